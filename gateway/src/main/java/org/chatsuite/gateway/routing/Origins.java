package org.chatsuite.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.vertx.core.net.SocketAddress;

/** The replicas of one upstream, taken in turn; one that refused a connection sits out for a while. */
final class Origins {

    private final List<SocketAddress> addresses;
    private final long[] downUntil;
    private final long downForMillis;
    private int next;

    Origins(List<URI> replicas, Duration downFor) {
        this.addresses = replicas.stream().map(u -> SocketAddress.inetSocketAddress(u.getPort(), u.getHost())).toList();
        this.downUntil = new long[addresses.size()];
        this.downForMillis = downFor.toMillis();
    }

    /** The next replica not known to be down; when all are, the next in turn (it may be back). */
    synchronized SocketAddress next() {
        long now = System.currentTimeMillis();
        for (int tried = 0; tried < addresses.size(); tried++) {
            int candidate = next;
            next = (next + 1) % addresses.size();
            if (downUntil[candidate] <= now) {
                return addresses.get(candidate);
            }
        }
        SocketAddress fallback = addresses.get(next);
        next = (next + 1) % addresses.size();
        return fallback;
    }

    int size() {
        return addresses.size();
    }

    synchronized void markDown(SocketAddress address) {
        int index = addresses.indexOf(address);
        if (index >= 0 && addresses.size() > 1) {
            downUntil[index] = System.currentTimeMillis() + downForMillis;
        }
    }
}

package org.chatsuite.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

final class Ports {

    private Ports() {
    }

    /** Fails with a message naming the option that moves {@code what} elsewhere when {@code port} is taken. */
    static void requireFree(int port, String what, String option) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for " + what + " is in use; stop what uses it or choose "
                    + "another with " + option);
        }
    }
}

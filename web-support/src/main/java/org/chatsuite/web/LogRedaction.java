package org.chatsuite.web;

import java.util.Set;
import java.util.regex.Pattern;

/** Keeps secrets that clients put in query strings (tokens, passwords) out of log lines. */
public final class LogRedaction {

    private static final Set<String> SECRET_PARAMS = Set.of("access_token", "refresh_token", "token", "password");
    private static final Pattern AMPERSAND = Pattern.compile("&");

    private LogRedaction() {
    }

    public static String pathAndQuery(String path, String query) {
        if (query == null || query.isEmpty()) {
            return path;
        }
        StringBuilder out = new StringBuilder(path).append('?');
        String[] params = AMPERSAND.split(query);
        for (int i = 0; i < params.length; i++) {
            String param = params[i];
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            if (i > 0) {
                out.append('&');
            }
            out.append(SECRET_PARAMS.contains(name.toLowerCase()) ? name + "=REDACTED" : param);
        }
        return out.toString();
    }
}

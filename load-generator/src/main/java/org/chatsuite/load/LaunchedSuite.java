package org.chatsuite.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.SuiteProcesses;

/**
 * The stack a benchmark launches ({@code --launch}): user-service, {@code replicas} chat-service
 * replicas and the gateway in front of them, on the shared test stores, with every throttle and the
 * per-user frame budget out of the way (a benchmark's few users send far more than one person would).
 * {@code extra} is configuration every service gets on top (e.g. another Redis).
 */
public record LaunchedSuite(ServiceProcess userService, List<ServiceProcess> chats, ServiceProcess gateway) {

    public static LaunchedSuite start(int replicas, Map<String, String> extra) {
        return start(replicas, extra, Map.of());
    }

    /** {@code userServiceOnly}: configuration of user-service alone (the others refuse settings they do not know). */
    public static LaunchedSuite start(int replicas, Map<String, String> extra, Map<String, String> userServiceOnly) {
        Map<String, String> quiet = new HashMap<>(extra);
        quiet.put("quarkus.log.category.\"org.chatsuite.access\".level", "WARN");
        Map<String, String> users = new HashMap<>(quiet);
        users.putAll(userServiceOnly);
        ServiceProcess userService = SuiteProcesses.userService("bench-user-service", users);
        List<ServiceProcess> chats = new ArrayList<>();
        List<String> replicaUrls = new ArrayList<>();
        try {
            Map<String, String> unbudgeted = new HashMap<>(quiet);
            unbudgeted.put("chatsuite.websocket.message-rate", "100000");
            unbudgeted.put("chatsuite.websocket.message-burst", "100000");
            for (int i = 1; i <= replicas; i++) {
                ServiceProcess chat = SuiteProcesses.chatService("bench-chat-service-" + i, ServiceProcess.siblingJar("chat-service"),
                        userService.url(), unbudgeted);
                chats.add(chat);
                replicaUrls.add(chat.url());
            }
            Map<String, String> unthrottled = new HashMap<>(quiet);
            for (String rule : List.of("anonymous", "user", "history", "websocket")) {
                unthrottled.put("chatsuite.throttle." + rule + "-per-minute", "0");
            }
            ServiceProcess gateway = SuiteProcesses.gateway("bench-gateway", ServiceProcess.siblingJar("gateway"), userService.url(),
                    replicaUrls, unthrottled);
            return new LaunchedSuite(userService, chats, gateway);
        } catch (RuntimeException e) {
            chats.forEach(ServiceProcess::stop);
            userService.stop();
            throw e;
        }
    }

    /** Stops every service (a killed one is already gone). */
    public void stop() {
        gateway.stop();
        chats.forEach(ServiceProcess::stop);
        userService.stop();
    }
}

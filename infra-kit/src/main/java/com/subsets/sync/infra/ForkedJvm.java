package com.subsets.sync.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service's {@code Main} in a JVM of its own (a 256 MB heap, the images' serial collector), with
 * this JVM's classpath and the given environment, so a test can kill it for real (SIGKILL) mid-run, or
 * a benchmark measure it alone. Its output goes to {@code log}, or nowhere when that is null.
 */
public final class ForkedJvm {

    private ForkedJvm() {
    }

    /** JVM options for every forked JVM, from {@code -Dforked.jvmArgs="..."}: a profiler agent, a flight recording. */
    public static final String JVM_ARGS_PROPERTY = "forked.jvmArgs";

    public static Process start(Class<?> main, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC"));
        String extra = System.getProperty(JVM_ARGS_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("LOG_LEVEL", "INFO");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** SIGTERM (the service shuts down gracefully), and at most 30 s to finish. */
    public static void stop(Process process) {
        process.destroy();
        try {
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

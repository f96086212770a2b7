package com.subsets.sync.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A service's {@code Main} in a JVM of its own, with this JVM's classpath and the given environment, so a
 * test can kill it for real (SIGKILL) mid-run, or a benchmark measure it alone. Its output goes to
 * {@code log}, or nowhere when that is null.
 */
public final class ForkedJvm {

    private ForkedJvm() {
    }

    public static Process start(Class<?> main, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName())
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

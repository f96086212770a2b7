package com.subsets.sync.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A service's {@code Main} in a JVM of its own, with this JVM's classpath and the given environment, so a
 * test can kill it for real (SIGKILL) mid-run. Its output goes to {@code log}.
 */
public final class ForkedJvm {

    private ForkedJvm() {
    }

    public static Process start(Class<?> main, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("LOG_LEVEL", "INFO");
        return builder.start();
    }
}

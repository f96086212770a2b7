package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tools the checks need (kubectl, node, promtool). A missing tool fails the test
 * with how to install it: these checks never pass by being skipped.
 */
final class Tools {

    /** What a command printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private Tools() {
    }

    static Result run(Path workDir, String stdin, String... command) throws IOException, InterruptedException {
        require(command[0]);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static void require(String tool) {
        List<String> found = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                found.add(dir);
            }
        }
        assertThat(found).as("%s is needed on PATH; deploy/install-tools.sh installs it", tool).isNotEmpty();
    }

    /** The deploy module's directory (tests run there). */
    static Path deployDir() {
        return Path.of("").toAbsolutePath();
    }
}

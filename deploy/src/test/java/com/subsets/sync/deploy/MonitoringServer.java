package com.subsets.sync.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus or Alertmanager (Debian's binaries, which deploy/install-tools.sh installs) run by a test on a free
 * loopback port with its data in a temporary directory and its log in target/; stopped and removed on close.
 */
final class MonitoringServer implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path dataDir;
    private final Path log;
    final String address;

    private MonitoringServer(String name, Process process, Path dataDir, Path log, String address) {
        this.name = name;
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.address = address;
    }

    /** Prometheus with this configuration, alerts resent every second (the default, a minute, would outlast the test). */
    static MonitoringServer prometheus(Path config, int port) throws Exception {
        Path data = Files.createTempDirectory("prometheus-data");
        String address = "127.0.0.1:" + port;
        return start("prometheus", data, address, List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=" + address, "--rules.alert.resend-delay=1s", "--log.level=warn"));
    }

    /** Alertmanager with this configuration, alone (no cluster port). */
    static MonitoringServer alertmanager(Path config, int port) throws Exception {
        Path data = Files.createTempDirectory("alertmanager-data");
        String address = "127.0.0.1:" + port;
        return start("prometheus-alertmanager", data, address, List.of("prometheus-alertmanager", "--config.file=" + config,
                "--storage.path=" + data, "--web.listen-address=" + address, "--cluster.listen-address=", "--log.level=warn"));
    }

    private static MonitoringServer start(String name, Path data, String address, List<String> command) throws Exception {
        Tools.require(command.get(0));
        Path log = Path.of("target", name + "-" + System.currentTimeMillis() + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MonitoringServer server = new MonitoringServer(name, process, data, log, address);
        try {
            server.awaitReady(Duration.ofSeconds(30));
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready within " + timeout + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }


    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.walk(dataDir)) {
            List<Path> all = new ArrayList<>(files.toList());
            all.sort(java.util.Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}

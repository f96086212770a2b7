package com.subsets.sync.infra;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client cannot do: send headers and stall, send a body
 * slowly, or send nothing at all; and tell an answer followed by a closed connection from one kept open. Tests only.
 */
public final class RawHttp implements AutoCloseable {

    /** What came back: the status (0 when none), headers (lower-case names), body, and whether the server closed. */
    public record Answer(int status, Map<String, String> headers, String body, boolean closed) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port, int readTimeoutMs) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(readTimeoutMs);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes {@code text} as is (a request head ends with an empty line). */
    public RawHttp write(String text) throws IOException {
        out.write(text.getBytes(UTF_8));
        out.flush();
        return this;
    }

    /** Writes, returning false once the server has closed the connection. */
    public boolean tryWrite(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    public static String head(String method, String path, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString();
    }

    /**
     * Reads one answer (status line, headers, a body of its Content-Length), then waits up to the read timeout for
     * the server to close: {@code closed} is true when it did (end of stream or reset).
     */
    public Answer readAnswerThenClose() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            return new Answer(0, Map.of(), "", true);
        }
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, UTF_8), closedByServer());
    }

    /** Waits up to the read timeout for the server to close the connection, discarding anything it sends. */
    public boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        try {
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String text = line.toString(ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
        } catch (SocketException reset) {
            return null;
        }
        return line.size() == 0 ? null : line.toString(ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package com.subsets.sync.local;

import java.io.PrintStream;

/** What the person running the stack sees: one line per step, and a progress line rewritten in place. */
final class Progress {

    private final PrintStream out;
    private final long started = System.nanoTime();
    private boolean inPlace;

    Progress(PrintStream out) {
        this.out = out;
    }

    void step(String what) {
        endLine();
        out.printf("[%5.1fs] %s%n", seconds(), what);
        out.flush();
    }

    /** Rewrites the current line (a carriage return, no newline) so waiting shows movement. */
    void update(String what) {
        out.printf("\r[%5.1fs] %-110s", seconds(), what);
        out.flush();
        inPlace = true;
    }

    void endLine() {
        if (inPlace) {
            out.println();
            inPlace = false;
        }
    }

    void print(String text) {
        endLine();
        out.println(text);
        out.flush();
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}

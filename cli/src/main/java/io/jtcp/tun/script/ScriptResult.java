package io.jtcp.tun.script;

import java.util.List;

/**
 * How a script run ended: passed, or the first failure ({@code FILE:LINE: what}), with the whole
 * history up to there (one entry per event, note or trace line, in time order).
 */
public record ScriptResult(
        String file, boolean passed, String failure, List<String> history, int events, long virtualUs) {
    /** The history and the verdict, as {@code jtcp script} prints a failing script. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (String h : history) {
            sb.append(h).append('\n');
        }
        sb.append(passed ? "PASS " + file : "FAIL " + failure).append('\n');
        return sb.toString();
    }
}

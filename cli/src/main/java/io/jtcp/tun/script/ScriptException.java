package io.jtcp.tun.script;

/**
 * A script the runner cannot accept: bad syntax, an unsupported construct or an impossible
 * setting. Its message is one line, {@code FILE:LINE: what}, meant to be shown as it is.
 */
public final class ScriptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String reason;

    public ScriptException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The script's name as given to the parser. */
    public String file() {
        return file;
    }

    /** The 1-based line the problem is on. */
    public int line() {
        return line;
    }

    /** The problem without the location. */
    public String reason() {
        return reason;
    }
}

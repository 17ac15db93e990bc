package io.jtcp.tun.script;

import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.tun.script.Script.Call;
import io.jtcp.tun.script.Script.Event;
import io.jtcp.tun.script.Script.OptKind;
import io.jtcp.tun.script.Script.SegmentSpec;
import io.jtcp.tun.script.Script.Setting;
import io.jtcp.tun.script.Script.TcpOpt;
import io.jtcp.tun.script.Script.TimeKind;
import io.jtcp.tun.script.Script.Timing;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the packetdrill subset jtcp runs, from a String (no I/O). Line-oriented like packetdrill's
 * scripts in practice: one event per line, {@code //} and {@code /* *}{@code /} comments, a call's
 * arguments may continue on the next lines. Every problem is a {@link ScriptException} naming the
 * line; nothing else escapes, whatever the input.
 */
public final class ScriptParser {
    /** The socket calls the runner maps onto jtcp's API. */
    public static final List<String> CALLS = List.of(
            "socket",
            "setsockopt",
            "fcntl",
            "bind",
            "listen",
            "accept",
            "connect",
            "write",
            "send",
            "read",
            "recv",
            "shutdown",
            "close");

    /** The largest write or read a script may ask for, so a hostile script cannot exhaust memory. */
    public static final int MAX_IO_BYTES = 1 << 20;

    private static final int MAX_LINES = 100_000;
    private static final int MAX_CONTINUATION_LINES = 20;
    private static final long MAX_TIME_US = 86_400L * 1_000_000L;
    private static final String NUM = "(?:\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final Pattern TIME = Pattern.compile("^(\\*|\\+" + NUM + "~\\+" + NUM + "|" + NUM + "~" + NUM
            + "|\\+" + NUM + "|" + NUM + ")(?=\\s|$|\\.\\.\\.)");
    private static final Pattern PORTS = Pattern.compile("(\\d{1,5})>(\\d{1,5})");
    private static final Pattern FLAGS = Pattern.compile("-|[FSRPUEW]*\\.?");
    private static final Pattern SEQ = Pattern.compile("(\\d{1,10}):(\\d{1,10})\\((\\d{1,5})\\)");
    private static final Pattern CALL = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    private static final Pattern INT = Pattern.compile("-?(?:0[xX][0-9a-fA-F]{1,8}|\\d{1,12})");
    private static final Pattern ERRNO = Pattern.compile("E[A-Z0-9]+");
    private static final Pattern SETTING = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S+)");
    private static final Set<String> SHUTDOWN_HOW = Set.of("SHUT_RD", "SHUT_WR", "SHUT_RDWR");

    private final String file;

    private ScriptParser(String file) {
        this.file = file;
    }

    /** Parses {@code text}; {@code file} names it in error messages. */
    public static Script parse(String file, String text) {
        return new ScriptParser(file).parse(text);
    }

    private ScriptException error(int line, String reason) {
        return new ScriptException(file, line, reason);
    }

    private Script parse(String text) {
        String[] lines = text.split("\r?\n|\r", -1);
        if (lines.length > MAX_LINES) {
            throw error(MAX_LINES, "script longer than " + MAX_LINES + " lines");
        }
        List<Setting> settings = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        String[] code = stripComments(lines, settings);
        boolean inCodeBlock = false;
        for (int i = 0; i < code.length; i++) {
            final int lineNo = i + 1;
            String s = code[i].strip();
            if (inCodeBlock) {
                inCodeBlock = !s.contains("}%");
                continue;
            }
            if (s.isEmpty()) {
                continue;
            }
            if (s.startsWith("%{")) {
                // packetdrill's Python blocks check the kernel's tcp_info: jtcp has none to offer.
                settings.add(new Setting(lineNo, "#ignored", "python block not run"));
                inCodeBlock = !s.substring(2).contains("}%");
                continue;
            }
            if (s.startsWith("`")) {
                settings.add(new Setting(lineNo, "#ignored", "shell command not run: " + s));
                continue;
            }
            if (s.startsWith("--")) {
                Matcher m = SETTING.matcher(s.substring(2));
                if (!m.matches()) {
                    throw error(lineNo, "expected --option=value, got '" + clip(s) + "'");
                }
                settings.add(new Setting(lineNo, m.group(1), m.group(2)));
                continue;
            }
            int depth = depth(s);
            int j = i;
            StringBuilder joined = new StringBuilder(s);
            while (depth > 0 && j + 1 < code.length && j - i < MAX_CONTINUATION_LINES) {
                j++;
                String more = code[j].strip();
                joined.append(' ').append(more);
                depth += depth(more);
            }
            if (depth != 0) {
                throw error(lineNo, "unbalanced brackets");
            }
            events.add(event(lineNo, joined.toString()));
            i = j;
        }
        if (inCodeBlock) {
            throw error(code.length, "%{ block without its closing }%");
        }
        return new Script(file, settings, events);
    }

    /** Blanks out comments, keeping line numbers; collects {@code // jtcp: k=v} settings. */
    private String[] stripComments(String[] lines, List<Setting> settings) {
        String[] out = new String[lines.length];
        boolean inBlock = false;
        int blockStart = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            StringBuilder sb = new StringBuilder(l.length());
            int k = 0;
            while (k < l.length()) {
                if (inBlock) {
                    int end = l.indexOf("*/", k);
                    if (end < 0) {
                        k = l.length();
                    } else {
                        inBlock = false;
                        k = end + 2;
                    }
                    continue;
                }
                if (l.startsWith("/*", k)) {
                    inBlock = true;
                    blockStart = i + 1;
                    k += 2;
                    continue;
                }
                if (l.startsWith("//", k)) {
                    header(i + 1, l.substring(k + 2).strip(), settings);
                    break;
                }
                sb.append(l.charAt(k++));
            }
            out[i] = sb.toString();
        }
        if (inBlock) {
            throw error(blockStart, "/* comment never closed");
        }
        return out;
    }

    private void header(int lineNo, String comment, List<Setting> settings) {
        if (!comment.startsWith("jtcp:")) {
            return;
        }
        String body = comment.substring(5).strip();
        if (body.isEmpty()) {
            throw error(lineNo, "empty '// jtcp:' line: expected key=value");
        }
        for (String kv : body.split("\\s+")) {
            Matcher m = SETTING.matcher(kv);
            if (!m.matches()) {
                throw error(lineNo, "expected key=value in '// jtcp:' line, got '" + clip(kv) + "'");
            }
            settings.add(new Setting(lineNo, m.group(1), m.group(2)));
        }
    }

    private static int depth(String s) {
        int d = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                d++;
            } else if (c == ')' || c == ']' || c == '}') {
                d--;
            }
        }
        return d;
    }

    private Event event(int lineNo, String s) {
        Matcher tm = TIME.matcher(s);
        if (!tm.find()) {
            throw error(
                    lineNo, "expected a time (0.100, +0.1, *, 0.1~0.2 or +0.1~+0.2) at the start of '" + clip(s) + "'");
        }
        Timing timing = timing(lineNo, tm.group(1));
        String rest = s.substring(tm.end()).strip();
        if (rest.startsWith("...")) {
            throw error(
                    lineNo,
                    "blocking calls with an end time ('...') are not supported: use a "
                            + "non-blocking socket (fcntl O_NONBLOCK) or drop the end time");
        }
        if (rest.isEmpty()) {
            throw error(lineNo, "a time with no event after it");
        }
        char c = rest.charAt(0);
        if (c == '<' || c == '>') {
            SegmentSpec seg = segment(lineNo, c == '<', rest.substring(1).strip());
            if (seg.inbound() && timing.kind() != TimeKind.ABSOLUTE && timing.kind() != TimeKind.RELATIVE) {
                throw error(lineNo, "'*' and time ranges can only be used with expected ('>') segments");
            }
            return new Event(lineNo, s, timing, seg, null);
        }
        Matcher cm = CALL.matcher(rest);
        if (!cm.find()) {
            throw error(lineNo, "expected '<', '>' or a socket call after the time, got '" + clip(rest) + "'");
        }
        if (timing.kind() != TimeKind.ABSOLUTE && timing.kind() != TimeKind.RELATIVE) {
            throw error(lineNo, "'*' and time ranges can only be used with expected ('>') segments");
        }
        return new Event(lineNo, s, timing, null, call(lineNo, cm.group(1), rest.substring(cm.end())));
    }

    private Timing timing(int lineNo, String t) {
        if (t.equals("*")) {
            return new Timing(TimeKind.ANY, 0, 0);
        }
        int tilde = t.indexOf('~');
        if (tilde >= 0) {
            String a = t.substring(0, tilde);
            String b = t.substring(tilde + 1);
            boolean rel = a.startsWith("+");
            long start = micros(lineNo, rel ? a.substring(1) : a);
            long end = micros(lineNo, rel ? b.substring(1) : b);
            if (end < start) {
                throw error(lineNo, "time range is backwards");
            }
            return new Timing(rel ? TimeKind.RELATIVE_RANGE : TimeKind.ABSOLUTE_RANGE, start, end);
        }
        boolean rel = t.startsWith("+");
        long us = micros(lineNo, rel ? t.substring(1) : t);
        return new Timing(rel ? TimeKind.RELATIVE : TimeKind.ABSOLUTE, us, us);
    }

    private long micros(int lineNo, String seconds) {
        BigDecimal us = new BigDecimal(seconds.endsWith(".") ? seconds + "0" : seconds).movePointRight(6);
        if (us.compareTo(BigDecimal.valueOf(MAX_TIME_US)) > 0) {
            throw error(lineNo, "time " + clip(seconds) + " s is beyond one day");
        }
        return us.longValue();
    }

    // ------------------------------------------------------------------ segments

    private SegmentSpec segment(int lineNo, boolean inbound, String s) {
        String optText = null;
        String body = s;
        int lt = s.indexOf('<');
        if (lt >= 0) {
            if (!s.endsWith(">")) {
                throw error(lineNo, "TCP options must end the line: '<...>'");
            }
            optText = s.substring(lt + 1, s.length() - 1).strip();
            body = s.substring(0, lt).strip();
        }
        String[] tok = body.isEmpty() ? new String[0] : body.split("\\s+");
        int k = 0;
        Integer src = null;
        Integer dst = null;
        if (k < tok.length && PORTS.matcher(tok[k]).matches()) {
            Matcher m = PORTS.matcher(tok[k]);
            m.matches();
            src = port(lineNo, m.group(1));
            dst = port(lineNo, m.group(2));
            k++;
        }
        if (k < tok.length && (tok[k].matches("\\d+\\.\\d+\\.\\d+\\.\\d+.*") || tok[k].startsWith("ip"))) {
            throw error(
                    lineNo,
                    "IP addresses and IP fields in segments are not supported (the runner uses "
                            + "one address pair: see local_ip and remote_ip)");
        }
        if (k >= tok.length || !FLAGS.matcher(tok[k]).matches() || tok[k].isEmpty()) {
            throw error(
                    lineNo,
                    "expected TCP flags (S, S., ., P., F., R, R., ...) after '" + (inbound ? '<' : '>') + "', got '"
                            + (k < tok.length ? clip(tok[k]) : "") + "'");
        }
        int flags = flags(tok[k++]);
        if (k >= tok.length || !SEQ.matcher(tok[k]).matches()) {
            throw error(
                    lineNo,
                    "expected start:end(length) after the flags, got '" + (k < tok.length ? clip(tok[k]) : "") + "'");
        }
        Matcher sm = SEQ.matcher(tok[k++]);
        sm.matches();
        long start = u32(lineNo, sm.group(1), "start sequence number");
        long end = u32(lineNo, sm.group(2), "end sequence number");
        int len = Integer.parseInt(sm.group(3));
        if (len > 65_535) {
            throw error(lineNo, "payload length " + len + " out of range");
        }
        if (end != start + len) {
            throw error(
                    lineNo, "inconsistent sequence numbers and payload length: " + start + "+" + len + " != " + end);
        }
        if (inbound && len > 65_535 - 60) {
            throw error(lineNo, "payload length " + len + " does not fit one IPv4 packet");
        }
        Long ack = null;
        Integer win = null;
        while (k < tok.length) {
            String key = tok[k++];
            if (k >= tok.length) {
                throw error(lineNo, "'" + clip(key) + "' without a value");
            }
            String v = tok[k++];
            switch (key) {
                case "ack":
                    ack = u32(lineNo, v, "ack");
                    break;
                case "win":
                    long w = u32(lineNo, v, "window");
                    if (w > 65_535) {
                        throw error(lineNo, "window " + w + " out of range (the 16-bit field, unscaled)");
                    }
                    win = (int) w;
                    break;
                case "urg":
                    if (!v.equals("0")) {
                        throw error(lineNo, "urgent pointers are not supported");
                    }
                    break;
                default:
                    throw error(
                            lineNo, "unexpected '" + clip(key) + "' in a segment (expected ack N, win N or <options>)");
            }
        }
        List<TcpOpt> options = optText == null ? List.of() : options(lineNo, optText);
        if (inbound) {
            if (win == null) {
                throw error(lineNo, "injected segments need 'win N' (as in packetdrill)");
            }
            if (options == null) {
                throw error(lineNo, "<...> (any options) can only be used with expected ('>') segments");
            }
        }
        return new SegmentSpec(inbound, src, dst, flags, start, len, ack, win, options);
    }

    private int port(int lineNo, String p) {
        int v = Integer.parseInt(p);
        if (v > 65_535) {
            throw error(lineNo, "port " + v + " out of range");
        }
        return v;
    }

    private long u32(int lineNo, String v, String what) {
        if (!v.matches("\\d{1,10}")) {
            throw error(lineNo, "expected a number for " + what + ", got '" + clip(v) + "'");
        }
        long n = Long.parseLong(v);
        if (n > 0xFFFF_FFFFL) {
            throw error(lineNo, what + " " + n + " out of range");
        }
        return n;
    }

    static int flags(String f) {
        int flags = 0;
        for (int i = 0; i < f.length(); i++) {
            switch (f.charAt(i)) {
                case 'F':
                    flags |= TcpHeader.FIN;
                    break;
                case 'S':
                    flags |= TcpHeader.SYN;
                    break;
                case 'R':
                    flags |= TcpHeader.RST;
                    break;
                case 'P':
                    flags |= TcpHeader.PSH;
                    break;
                case 'U':
                    flags |= TcpHeader.URG;
                    break;
                case 'E':
                    flags |= TcpHeader.ECE;
                    break;
                case 'W':
                    flags |= TcpHeader.CWR;
                    break;
                case '.':
                    flags |= TcpHeader.ACK;
                    break;
                default: // '-': no flags
            }
        }
        return flags;
    }

    /** Null for {@code <...>}. */
    private List<TcpOpt> options(int lineNo, String text) {
        if (text.equals("...")) {
            return null;
        }
        List<TcpOpt> out = new ArrayList<>();
        int bytes = 0;
        for (String item : text.split(",", -1)) {
            String[] t = item.strip().split("\\s+");
            TcpOpt o;
            switch (t[0]) {
                case "nop":
                    o = need(lineNo, t, 1, TcpOpt.of(OptKind.NOP));
                    bytes += 1;
                    break;
                case "eol":
                    o = need(lineNo, t, 1, TcpOpt.of(OptKind.EOL));
                    bytes += 1;
                    break;
                case "sackOK":
                    o = need(lineNo, t, 1, TcpOpt.of(OptKind.SACK_OK));
                    bytes += 2;
                    break;
                case "mss":
                    need(lineNo, t, 2, null);
                    long mss = u32(lineNo, t[1], "mss");
                    if (mss > 65_535) {
                        throw error(lineNo, "mss " + mss + " out of range");
                    }
                    o = new TcpOpt(OptKind.MSS, mss, 0, new long[0]);
                    bytes += 4;
                    break;
                case "wscale":
                    need(lineNo, t, 2, null);
                    long ws = u32(lineNo, t[1], "wscale");
                    if (ws > 255) {
                        throw error(lineNo, "wscale " + ws + " out of range");
                    }
                    o = new TcpOpt(OptKind.WSCALE, ws, 0, new long[0]);
                    bytes += 3;
                    break;
                case "TS":
                    if (t.length != 5 || !t[1].equals("val") || !t[3].equals("ecr")) {
                        throw error(lineNo, "expected 'TS val N ecr N', got '" + clip(item.strip()) + "'");
                    }
                    o = new TcpOpt(OptKind.TS, u32(lineNo, t[2], "TS val"), u32(lineNo, t[4], "TS ecr"), new long[0]);
                    bytes += 10;
                    break;
                case "sack":
                    if (t.length < 2 || t.length > 5) {
                        throw error(lineNo, "expected 'sack L:R [L:R ...]' (1 to 4 blocks)");
                    }
                    long[] edges = new long[2 * (t.length - 1)];
                    for (int b = 1; b < t.length; b++) {
                        String[] lr = t[b].split(":", -1);
                        if (lr.length != 2) {
                            throw error(lineNo, "expected a SACK block L:R, got '" + clip(t[b]) + "'");
                        }
                        edges[2 * (b - 1)] = u32(lineNo, lr[0], "SACK left edge");
                        edges[2 * (b - 1) + 1] = u32(lineNo, lr[1], "SACK right edge");
                    }
                    o = new TcpOpt(OptKind.SACK, 0, 0, edges);
                    bytes += 2 + 4 * edges.length;
                    break;
                default:
                    throw error(
                            lineNo,
                            "unsupported TCP option '" + clip(item.strip())
                                    + "' (supported: mss N, wscale N, sackOK, TS val N ecr N, sack L:R, nop, eol, or <...>)");
            }
            out.add(o);
        }
        if (bytes > 40) {
            throw error(lineNo, "TCP options take " + bytes + " bytes, more than the 40 a header holds");
        }
        return out;
    }

    private TcpOpt need(int lineNo, String[] t, int n, TcpOpt o) {
        if (t.length != n) {
            throw error(lineNo, "option '" + t[0] + "' takes " + (n - 1) + " value" + (n == 2 ? "" : "s"));
        }
        return o;
    }

    // ------------------------------------------------------------------ socket calls

    private Call call(int lineNo, String name, String afterParen) {
        int close = closingParen(afterParen);
        if (close < 0) {
            throw error(lineNo, "unbalanced parentheses in the call to " + name);
        }
        List<String> args = splitArgs(afterParen.substring(0, close));
        String tail = afterParen.substring(close + 1).strip();
        if (!tail.startsWith("=")) {
            throw error(lineNo, "expected '= RESULT' after " + name + "(...)");
        }
        String[] t = tail.substring(1).strip().split("\\s+", 3);
        if (t[0].isEmpty() || !INT.matcher(t[0]).matches()) {
            throw error(lineNo, "expected an integer result after '=', got '" + clip(t[0]) + "'");
        }
        long result = t[0].toLowerCase(Locale.ROOT).contains("0x")
                ? Long.parseLong(t[0].replaceFirst("(?i)0x", ""), 16) * (t[0].startsWith("-") ? -1 : 1)
                : Long.parseLong(t[0]);
        String errno = null;
        int k = 1;
        if (k < t.length && ERRNO.matcher(t[k]).matches()) {
            errno = t[k++];
        }
        if (k < t.length) {
            String note = String.join(" ", java.util.Arrays.copyOfRange(t, k, t.length));
            if (!note.startsWith("(") || !note.endsWith(")")) {
                throw error(lineNo, "unexpected '" + clip(note) + "' after the result");
            }
        }
        if (!CALLS.contains(name)) {
            throw error(lineNo, "unsupported call '" + name + "' (supported: " + String.join(", ", CALLS) + ")");
        }
        Call c = new Call(name, args, result, errno);
        checkArgs(lineNo, c);
        return c;
    }

    private static int closingParen(String s) {
        int depth = 1;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[' || c == '{')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']' || c == '}')) {
                depth--;
                if (depth == 0) {
                    return c == ')' ? i : -1;
                }
            }
        }
        return -1;
    }

    private static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        if (s.isBlank()) {
            return out;
        }
        int depth = 0;
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[' || c == '{')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']' || c == '}')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(from, i).strip());
                from = i + 1;
            }
        }
        out.add(s.substring(from).strip());
        return out;
    }

    private void checkArgs(int lineNo, Call c) {
        int want;
        switch (c.name()) {
            case "close":
                want = 1;
                break;
            case "listen":
            case "shutdown":
                want = 2;
                break;
            case "fcntl":
                want = c.args().size() == 2 ? 2 : 3;
                break;
            case "send":
            case "recv":
                want = 4;
                break;
            case "setsockopt":
                want = 5;
                break;
            default:
                want = 3;
        }
        if (c.args().size() != want) {
            throw error(
                    lineNo,
                    c.name() + " takes " + want + " arguments, got " + c.args().size());
        }
        if (!c.name().equals("socket")) {
            fd(lineNo, c);
        }
        switch (c.name()) {
            case "write":
            case "read":
            case "send":
            case "recv":
                String n = c.args().get(2);
                if (!n.matches("\\d{1,8}") || Integer.parseInt(n) > MAX_IO_BYTES) {
                    throw error(
                            lineNo,
                            c.name() + ": the length must be a number from 0 to " + MAX_IO_BYTES + ", got '" + clip(n)
                                    + "'");
                }
                break;
            case "listen":
                String b = c.args().get(1);
                if (!b.equals("...") && !b.matches("\\d{1,6}")) {
                    throw error(lineNo, "listen: the backlog must be a number, got '" + clip(b) + "'");
                }
                break;
            case "shutdown":
                if (!SHUTDOWN_HOW.contains(c.args().get(1))) {
                    throw error(
                            lineNo,
                            "shutdown: expected SHUT_RD, SHUT_WR or SHUT_RDWR, got '"
                                    + clip(c.args().get(1)) + "'");
                }
                break;
            case "fcntl":
                String cmd = c.args().get(1);
                if (!cmd.equals("F_SETFL") && !cmd.equals("F_GETFL")) {
                    throw error(lineNo, "fcntl: only F_SETFL and F_GETFL are supported, got '" + clip(cmd) + "'");
                }
                break;
            case "setsockopt":
                SocketOptions.check(c.args().get(2), c.args().get(3), reason -> error(lineNo, reason));
                break;
            default:
        }
    }

    private void fd(int lineNo, Call c) {
        if (!c.args().get(0).matches("\\d{1,6}")) {
            throw error(
                    lineNo,
                    c.name() + ": the first argument must be a file descriptor number, got '"
                            + clip(c.args().get(0)) + "'");
        }
    }

    /** At most 60 characters of hostile input go into a message. */
    static String clip(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}

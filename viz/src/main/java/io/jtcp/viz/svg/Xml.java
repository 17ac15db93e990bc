package io.jtcp.viz.svg;

/** Escaping for the text and attribute values of the SVG files the pictures write. */
public final class Xml {
    private Xml() {}

    /** {@code s} with {@code & < > "} escaped and control characters (which XML 1.0 forbids) dropped. */
    public static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}

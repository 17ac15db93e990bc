package io.jtcp.tun.script;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every script in the top-level {@code scripts/} folder passes; each names its rule in its first line. */
class ScriptsFolderTest {
    static Path scriptsDir() {
        Path p = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("scripts")) && Files.exists(p.resolve("cli"))) {
                return p.resolve("scripts");
            }
        }
        throw new AssertionError("no scripts/ folder above " + Paths.get("").toAbsolutePath());
    }

    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.list(scriptsDir())) {
            return s.filter(f -> f.toString().endsWith(".pkt")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptPasses() throws IOException {
        return scripts().stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    ScriptResult r =
                            ScriptRunner.run(ScriptParser.parse("scripts/" + f.getFileName(), text), List.of());
                    assertTrue(r.passed(), r::report);
                    assertTrue(r.events() >= 3, () -> f + ": only " + r.events() + " events");
                }));
    }

    /**
     * The folder test can fail: in every script, each expected segment's flags changed to some it
     * cannot have makes the script fail at that line (done for the first and the last {@code >}).
     */
    @TestFactory
    Stream<DynamicTest> everyScriptFailsWhenAnExpectationIsBroken() throws IOException {
        return scripts().stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    List<Integer> expected = new java.util.ArrayList<>();
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).matches("\\S+\\s+>\\s.*")) {
                            expected.add(i);
                        }
                    }
                    assertTrue(!expected.isEmpty(), () -> f + " expects no segment");
                    for (int at : List.of(expected.get(0), expected.get(expected.size() - 1))) {
                        List<String> broken = new java.util.ArrayList<>(lines);
                        // UW. (URG, CWR, ACK): jtcp never sends that combination.
                        broken.set(at, lines.get(at).replaceFirst(">(\\s+(\\d+>\\d+\\s+)?)\\S+", ">$1UW."));
                        ScriptResult r = ScriptRunner.run(
                                ScriptParser.parse("scripts/" + f.getFileName(), String.join("\n", broken)), List.of());
                        assertTrue(
                                !r.passed(),
                                () -> f + " still passes with line " + (at + 1) + " broken: " + broken.get(at));
                        assertTrue(
                                r.failure()
                                        .startsWith("scripts/" + f.getFileName() + ":" + (at + 1)
                                                + ": flags: expected UW."),
                                r::failure);
                    }
                }));
    }

    @Test
    void everyScriptOpensWithACommentNamingItsRuleAndSection() throws IOException {
        List<Path> all = scripts();
        assertTrue(all.size() >= 20, "only " + all.size() + " scripts");
        for (Path f : all) {
            String first = Files.readAllLines(f, StandardCharsets.UTF_8).get(0);
            assertTrue(first.matches("// (RFC \\d+ .*§.*|RFC \\d+ .*)"), () -> f + ": first line " + first);
        }
    }
}

package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Issue #13 goal 5: {@code jtcp get} without picocli answers exactly as picocli would, or leaves
 * the command line to picocli. Nothing here opens a device.
 */
class GetFastPathTest {
    @TempDir
    Path tmp;

    /** What picocli makes of {@code args}: the {@code get} command with every option set. */
    private static GetCommand picocli(String... args) {
        CommandLine cl = Main.commandLine(args);
        cl.parseArgs(args);
        return (GetCommand) cl.getSubcommands().get("get").getCommand();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "get http://10.7.0.1/",
                "get --netns ns1 http://10.7.0.1:8000/f10",
                "get http://10.7.0.1:8000/f10 --netns ns1",
                "get --netns=ns1 --tun=tun7 http://10.7.0.1/",
                "get -o out.bin --timeout 5 --tun tunx http://10.7.0.1/a/b",
                "get --output=out.bin --timeout=0 http://10.7.0.1/",
                "get --netns get http://10.7.0.1/",
            })
    void shouldBuildTheSameCommandAsPicocli(String line) throws Exception {
        String[] args = line.split(" ");
        GetCommand fast = GetFastPath.parse(args);
        assertNotNull(fast, line);
        assertSameFields(picocli(args), fast, "get");
    }

    /** Field by field, into the option objects; picocli's own CommandSpec is left out. */
    private static void assertSameFields(Object expected, Object actual, String path) throws Exception {
        assertEquals(expected.getClass(), actual.getClass(), path);
        for (Field f : expected.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType() == CommandLine.Model.CommandSpec.class) {
                continue;
            }
            f.setAccessible(true);
            Object e = f.get(expected);
            Object a = f.get(actual);
            String where = path + "." + f.getName();
            if (e != null && e.getClass().getPackageName().equals(Main.class.getPackageName())) {
                assertNotNull(a, where);
                assertSameFields(e, a, where);
            } else {
                assertEquals(e, a, where);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "get",
                "serve http://10.7.0.1/",
                "get --help",
                "get -h http://10.7.0.1/",
                "get --version",
                "get --trace http://10.7.0.1/",
                "get --mtu 9000 http://10.7.0.1/",
                "get --netns a --netns b http://10.7.0.1/",
                "get -o a --output b http://10.7.0.1/",
                "get http://10.7.0.1/ http://10.7.0.1/x",
                "get @args.txt",
                "get --netns @ns http://10.7.0.1/",
                "get --netns= http://10.7.0.1/",
                "get --netns -o http://10.7.0.1/",
                "get http://10.7.0.1/ --netns",
                "get --timeout x http://10.7.0.1/",
                "get --timeout -1 http://10.7.0.1/",
                "get --timeout 1234567890 http://10.7.0.1/",
                "get -- http://10.7.0.1/",
                "get -ofile http://10.7.0.1/",
                "get -o=file http://10.7.0.1/",
            })
    void shouldLeaveAnythingElseToPicocli(String line) {
        assertNull(GetFastPath.parse(line.split(" ")), line);
    }

    /** Parsed, but picocli's words are wanted for what is wrong: nothing is run. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "get ftp://x",
                "get http://example.com/",
                "get http://10.7.0.1:0/",
                "get --tun abcdefghijklmnopq http://10.7.0.1/",
            })
    void shouldLeaveUsageErrorsToPicocli(String line) {
        String[] args = line.split(" ");
        assertNotNull(GetFastPath.parse(args), line);
        assertNull(GetFastPath.run(args), line);
    }

    /** A failure the user can act on: the same line and exit code as through picocli. */
    @Test
    void shouldFailInTheSameWordsAsPicocli() {
        String[] args = {
            "get", "--netns", "jtcp-does-not-exist", "-o", tmp.resolve("out").toString(), "http://10.7.0.1/"
        };
        PrintStream saved = System.err;
        ByteArrayOutputStream fastErr = new ByteArrayOutputStream();
        Integer fast;
        try {
            System.setErr(new PrintStream(fastErr, true, StandardCharsets.UTF_8));
            fast = GetFastPath.run(args);
        } finally {
            System.setErr(saved);
        }
        StringWriter picocliErr = new StringWriter();
        CommandLine cl = Main.commandLine(args);
        cl.setErr(new PrintWriter(picocliErr));
        int viaPicocli = cl.execute(args);
        assertEquals(1, viaPicocli, picocliErr.toString());
        assertEquals(viaPicocli, fast);
        assertEquals(
                picocliErr.toString().strip(),
                fastErr.toString(StandardCharsets.UTF_8).strip());
    }
}

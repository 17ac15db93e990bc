package io.jtcp.tun.cli;

import picocli.CommandLine;

/** Lets tests in other packages run the CLI in-process, with their own out/err. */
public final class MainAccess {
    private MainAccess() {}

    public static CommandLine commandLine() {
        return Main.commandLine();
    }
}

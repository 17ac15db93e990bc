package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --cc NAME}: the congestion controller of every connection the command's stack opens. */
final class CcOptions {
    @Option(
            names = "--cc",
            paramLabel = "NAME",
            converter = FactoryConverter.class,
            completionCandidates = Names.class,
            description = {
                "congestion control: ${COMPLETION-CANDIDATES}",
                "(default: newreno), or the name of a class on",
                "the class path implementing CongestionControl",
                "or CongestionControl.Factory"
            })
    CongestionControl.Factory cc;

    /** Sets the chosen controller on {@code config}; without {@code --cc} it keeps the stack's default. */
    StackConfig applyTo(StackConfig config) {
        if (cc != null) {
            config.congestionControl(cc);
        }
        return config;
    }

    /** A name resolved at parse time, so that a bad one is a usage error (exit 2) in one line. */
    static final class FactoryConverter implements ITypeConverter<CongestionControl.Factory> {
        @Override
        public CongestionControl.Factory convert(String value) {
            try {
                return CongestionControls.byName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The names for the help text: the built-in algorithms and ServiceLoader providers. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return CongestionControls.names().iterator();
        }
    }
}

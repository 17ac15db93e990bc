package io.jtcp.tun.cli;

import io.jtcp.stack.wire.Ipv4Header;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Dotted quad to int, with picocli's usage error (exit 2) on anything else. */
final class Ipv4Converter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            return Ipv4Header.parseAddress(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not an IPv4 address");
        }
    }
}

package io.jtcp.stack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The human-readable forms: tcpdump-style flags and dotted-quad addresses. */
class WireFormattingTest {
    @Test
    void shouldPrintFlagsInTcpdumpOrderWhenSeveralAreSet() {
        // Expected strings are what tcpdump 4.99 -nn printed for segments with these flag bytes
        // (a pcap written by hand, one segment per value).
        assertEquals("FS", TcpHeader.flagsToString(0x03));
        assertEquals(".U", TcpHeader.flagsToString(0x30));
        assertEquals(".E", TcpHeader.flagsToString(0x50));
        assertEquals(".W", TcpHeader.flagsToString(0x90));
        assertEquals("S.EW", TcpHeader.flagsToString(0xD2));
        assertEquals("FSRP.UEW", TcpHeader.flagsToString(0xFF));
        assertEquals("none", TcpHeader.flagsToString(0x00));
        assertEquals("FPU", TcpHeader.flagsToString(0x29));
        assertEquals("S.", TcpHeader.flagsToString(TcpHeader.SYN | TcpHeader.ACK));
        assertEquals("R", TcpHeader.flagsToString(TcpHeader.RST));
    }

    @Test
    void shouldRoundTripWhenPrintingAndParsingAddresses() {
        assertEquals("10.7.0.1", Ipv4Header.addressToString(WireTestSupport.ipv4(10, 7, 0, 1)));
        assertEquals("255.255.255.255", Ipv4Header.addressToString(-1));
        assertEquals("0.0.0.0", Ipv4Header.addressToString(0));
        assertEquals(WireTestSupport.ipv4(192, 168, 254, 3), Ipv4Header.parseAddress("192.168.254.3"));
        Random r = new Random(791);
        for (int i = 0; i < 10_000; i++) {
            int a = r.nextInt();
            assertEquals(a, Ipv4Header.parseAddress(Ipv4Header.addressToString(a)), "seed=791 i=" + i);
        }
    }

    @Test
    void shouldRejectWhenAddressTextIsNotADottedQuad() {
        for (String bad : new String[] {
            "",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.256",
            "1..3.4",
            "1.2.3.4.",
            " 1.2.3.4",
            "1.2.3.-4",
            "1.2.3.0004",
            "a.b.c.d",
            // Arabic-Indic digit one: Character.isDigit says yes, an IPv4 address says no.
            "\u0661.2.3.4"
        }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Ipv4Header.parseAddress(bad), bad);
            assertEquals("not an IPv4 address: '" + bad + "'", e.getMessage());
        }
    }
}

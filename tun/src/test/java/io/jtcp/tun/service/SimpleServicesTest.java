package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimpleServicesTest {
    @Test
    void shouldEchoEverythingAndCloseAfterPeerDoes() {
        FakeConnection c = new FakeConnection(1 << 20).accept(new EchoService());
        byte[] data = new byte[100_000];
        new Random(1).nextBytes(data);
        c.peerSends(data);
        c.peerCloses();
        assertArrayEquals(data, c.outputBytes());
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldStopReadingWhenEchoCannotBeSent() {
        FakeConnection c = new FakeConnection(1000).accept(new EchoService());
        byte[] data = new byte[200_000];
        new Random(2).nextBytes(data);
        c.peerSends(data);
        // Backpressure: only what the send buffer holds leaves the receive buffer; the rest waits
        // there (closing the window), none of it held by the service.
        assertEquals(1000, c.outputBytes().length);
        assertEquals(200_000 - 1000, c.pendingInbound());
        c.peerCloses();
        assertFalse(c.closeCalled, "must not close before everything is echoed");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 1000 && !c.closeCalled; i++) {
            c.peerAcks();
        }
        all.writeBytes(c.outputBytes());
        assertArrayEquals(data, all.toByteArray());
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldDiscardInputAndCloseWithPeer() {
        FakeConnection c = new FakeConnection(1000).accept(new DiscardService());
        c.peerSends(new byte[70_000]);
        assertEquals(0, c.pendingInbound());
        assertEquals(0, c.outputBytes().length);
        c.peerCloses();
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldGenerateRfc864LinesOnlyIntoFreeSpace() {
        FakeConnection c = new FakeConnection(ChargenService.LINE_BYTES * 2).accept(new ChargenService());
        assertEquals(
                " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n"
                        + "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n",
                c.output());
        c.peerAcks();
        assertEquals(4 * ChargenService.LINE_BYTES, c.outputBytes().length);
        c.peerSends("ignored");
        assertEquals(0, c.pendingInbound());
        c.peerCloses();
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldRepeatChargenAfter95Lines() {
        assertEquals(95 * 74, ChargenService.PERIOD.length);
        assertEquals(' ', ChargenService.PERIOD[0]);
        assertEquals('~', ChargenService.PERIOD[94 * 74]);
    }
}

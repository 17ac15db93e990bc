/*
 * lwIP 2.1 (Debian's liblwip) over a Linux TUN device, for side-by-side benchmarks with jtcp
 * (the scripts in src/bench). Raw API services on 10.7.0.2 (the address jtcp's own benchmarks use):
 *   port 7    echo (RFC 862)
 *   port 9    discard (RFC 863)
 *   ports 80 and 8080 HTTP/1.x: GET /bytes/N answers N bytes; keep-alive as the request asks
 * One reader thread takes packets off the TUN device and feeds them to lwIP under its core lock
 * (no message per packet); lwIP's own tcpip thread runs the timers. Output writes each IPv4
 * packet straight to the device. Usage: lwip_tun TUN_NAME  (the calling script creates the device in its
 * namespace with `ip tuntap add … mode tun`, gives the kernel's side 10.7.0.1/24 and sets it up;
 * src/bench/lwip.sh does all of that). Built by src/bench/lwip.sh against Debian's liblwip-dev.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

static int tun_fd = -1;
static struct netif tun_netif;
static unsigned char pattern[65535];

static err_t tun_output(struct netif *nif, struct pbuf *p, const ip4_addr_t *addr) {
    static unsigned char out[65535];
    (void) nif;
    (void) addr;
    u16_t n = pbuf_copy_partial(p, out, sizeof out, 0);
    if (write(tun_fd, out, n) < 0 && errno != EAGAIN) {
        perror("lwip_tun: write");
    }
    return ERR_OK;
}

static err_t tun_netif_init(struct netif *nif) {
    nif->name[0] = 't';
    nif->name[1] = 'u';
    nif->mtu = 1500;
    nif->output = tun_output;
    nif->flags = NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

/* discard */
static err_t discard_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
    (void) arg;
    (void) err;
    if (p == NULL) {
        tcp_close(pcb);
        return ERR_OK;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t discard_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
    (void) arg;
    if (err != ERR_OK || pcb == NULL) return ERR_VAL;
    tcp_recv(pcb, discard_recv);
    return ERR_OK;
}

/* echo: copies what arrives back; what does not fit in the send buffer waits for tcp_sent. */
static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
    (void) arg;
    (void) err;
    if (p == NULL) {
        tcp_close(pcb);
        return ERR_OK;
    }
    if (p->tot_len > tcp_sndbuf(pcb)) {
        return ERR_MEM; /* lwIP keeps the pbuf and offers it again */
    }
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY);
    }
    tcp_output(pcb);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
    (void) arg;
    if (err != ERR_OK || pcb == NULL) return ERR_VAL;
    tcp_nagle_disable(pcb);
    tcp_recv(pcb, echo_recv);
    return ERR_OK;
}

/* HTTP: one request at a time per connection. */
struct http {
    char head[2048];
    int headLen;
    unsigned long long left; /* body bytes still to send */
    int sending;
    int keepAlive;
};

static void http_pump(struct tcp_pcb *pcb, struct http *h) {
    while (h->left > 0) {
        u16_t room = tcp_sndbuf(pcb);
        if (room == 0) break;
        unsigned long long n = h->left < room ? h->left : room;
        if (n > sizeof pattern) n = sizeof pattern;
        if (tcp_write(pcb, pattern, (u16_t) n, h->left > n ? TCP_WRITE_FLAG_MORE : 0) != ERR_OK) break;
        h->left -= n;
    }
    tcp_output(pcb);
    if (h->left == 0 && h->sending) {
        h->sending = 0;
        if (!h->keepAlive) {
            tcp_arg(pcb, NULL);
            free(h);
            tcp_close(pcb);
        }
    }
}

static err_t http_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
    (void) len;
    if (arg != NULL && ((struct http *) arg)->sending) http_pump(pcb, arg);
    return ERR_OK;
}

static void http_start(struct tcp_pcb *pcb, struct http *h) {
    unsigned long long n = 0;
    char *bytes = strstr(h->head, "/bytes/");
    if (bytes != NULL) n = strtoull(bytes + 7, NULL, 10);
    h->keepAlive = strstr(h->head, "HTTP/1.1") != NULL ? strcasestr(h->head, "connection: close") == NULL
                                                      : strcasestr(h->head, "keep-alive") != NULL;
    char hdr[256];
    int hl = snprintf(hdr, sizeof hdr,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\n%s\r\n",
                      n, h->keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
    tcp_write(pcb, hdr, (u16_t) hl, TCP_WRITE_FLAG_COPY | (n > 0 ? TCP_WRITE_FLAG_MORE : 0));
    h->left = n;
    h->sending = 1;
    h->headLen = 0;
    http_pump(pcb, h);
}

static err_t http_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
    struct http *h = arg;
    (void) err;
    if (p == NULL) {
        tcp_arg(pcb, NULL);
        free(h);
        tcp_close(pcb);
        return ERR_OK;
    }
    if (h == NULL) { /* already closing */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    int room = (int) sizeof h->head - 1 - h->headLen;
    int n = p->tot_len < room ? p->tot_len : room;
    pbuf_copy_partial(p, h->head + h->headLen, (u16_t) n, 0);
    h->headLen += n;
    h->head[h->headLen] = 0;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    if (!h->sending && strstr(h->head, "\r\n\r\n") != NULL) {
        http_start(pcb, h);
    } else if (h->headLen >= (int) sizeof h->head - 1) {
        tcp_arg(pcb, NULL);
        free(h);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return ERR_OK;
}

static void http_err(void *arg, err_t err) {
    (void) err;
    free(arg);
}

static err_t http_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
    (void) arg;
    if (err != ERR_OK || pcb == NULL) return ERR_VAL;
    struct http *h = calloc(1, sizeof *h);
    if (h == NULL) return ERR_MEM;
    tcp_arg(pcb, h);
    tcp_recv(pcb, http_recv);
    tcp_sent(pcb, http_sent);
    tcp_err(pcb, http_err);
    return ERR_OK;
}

static void listen_on(u16_t port, tcp_accept_fn fn) {
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
        fprintf(stderr, "lwip_tun: cannot bind port %u\n", port);
        exit(1);
    }
    pcb = tcp_listen_with_backlog(pcb, 255);
    tcp_accept(pcb, fn);
}

static void setup(void *done) {
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 10, 7, 0, 2);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 7, 0, 1);
    netif_add(&tun_netif, &ip, &mask, &gw, NULL, tun_netif_init, ip4_input);
    netif_set_default(&tun_netif);
    netif_set_up(&tun_netif);
    listen_on(7, echo_accept);
    listen_on(9, discard_accept);
    listen_on(80, http_accept);
    listen_on(8080, http_accept);
    sys_sem_signal((sys_sem_t *) done);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: lwip_tun TUN_NAME\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (unsigned char) ('a' + i % 26);
    tun_fd = open("/dev/net/tun", O_RDWR);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (tun_fd < 0 || ioctl(tun_fd, TUNSETIFF, &ifr) < 0) {
        perror("lwip_tun: TUNSETIFF");
        return 1;
    }
    sys_sem_t done;
    sys_sem_new(&done, 0);
    tcpip_init(setup, &done);
    sys_sem_wait(&done);
    printf("lwip_tun: ready on %s\n", argv[1]);
    fflush(stdout);
    static unsigned char in[65536];
    for (;;) {
        ssize_t n = read(tun_fd, in, sizeof in);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            perror("lwip_tun: read");
            return 1;
        }
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t) n, PBUF_RAM);
        if (p == NULL) continue;
        pbuf_take(p, in, (u16_t) n);
        LOCK_TCPIP_CORE();
        if (tun_netif.input(p, &tun_netif) != ERR_OK) pbuf_free(p);
        UNLOCK_TCPIP_CORE();
    }
}

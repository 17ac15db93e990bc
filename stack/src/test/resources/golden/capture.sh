# One-time capture of the golden packets in veth-http-ping.hex (needs root; the tests do not run it).
# Everything happens between two network namespaces created here (10.7.9.0/24 on a veth pair),
# deleted on exit. Checksum offload is turned off on both ends so the capture holds final checksums.
# Then: python3 (pcap reader) strips the 14-byte Ethernet header of each IPv4 frame.
# Usage: bash capture.sh   (writes gold.pcap in the current directory)
set -e
A=jtcpgoldA$$; B=jtcpgoldB$$
ip netns add $A; ip netns add $B
cleanup() { ip netns pids $B | xargs -r kill 2>/dev/null || true; ip netns pids $A | xargs -r kill 2>/dev/null || true; sleep 0.3; ip netns del $A; ip netns del $B; }
trap cleanup EXIT
ip -n $A link add vga type veth peer name vgb netns $B
ip -n $A addr add 10.7.9.1/24 dev vga; ip -n $B addr add 10.7.9.2/24 dev vgb
ip -n $A link set vga up; ip -n $B link set vgb up; ip -n $A link set lo up; ip -n $B link set lo up
ip netns exec $A ethtool -K vga tx off >/dev/null; ip netns exec $B ethtool -K vgb tx off >/dev/null
mkdir -p www; echo 'hello from the golden capture' > www/index.html
ip netns exec $B python3 -m http.server 8080 --bind 10.7.9.2 --directory www >/dev/null 2>&1 &
sleep 1
ip netns exec $A tcpdump -i vga -U -s 0 -w gold.pcap >/dev/null 2>&1 &
sleep 1
ip netns exec $A curl -s http://10.7.9.2:8080/index.html
ip netns exec $A ping -c1 -W1 10.7.9.2 >/dev/null
sleep 1
kill $(ip netns pids $A) 2>/dev/null || true
sleep 0.5

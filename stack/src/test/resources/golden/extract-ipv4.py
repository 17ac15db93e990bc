# Prints every IPv4 packet of gold.pcap (Ethernet link type) as: index length hex
import struct,sys
d=open('gold.pcap','rb').read()
magic=struct.unpack('<I',d[:4])[0]; assert magic==0xa1b2c3d4, hex(magic)
linktype=struct.unpack('<I',d[20:24])[0]; assert linktype==1
o=24; pk=[]
while o<len(d):
    ts,tu,incl,orig=struct.unpack('<IIII',d[o:o+16]); o+=16
    p=d[o:o+incl]; o+=incl
    assert incl==orig
    if p[12:14]==b'\x08\x00': pk.append(p[14:])
for i,p in enumerate(pk): print(i,len(p),p.hex())

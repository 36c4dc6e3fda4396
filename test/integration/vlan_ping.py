#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Ping over an 802.1Q VLAN on a plain interface, with scapy: for kernels
without the 8021q module (containers), where `ip link add ... type vlan`
fails. An ARP request, then echo requests, all tagged; only tagged answers
count.

    vlan_ping.py IFACE VLAN SRC_IP DST_IP [COUNT]

Prints "arp <mac>" (who answered the ARP request, or "none") and
"<n> packets transmitted, <m> received", like ping; exits 0 when every request
was answered, 1 otherwise, 2 on bad arguments."""
import sys

from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, conf, get_if_hwaddr, srp1


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    iface, vlan, src, dst = argv[1], int(argv[2]), argv[3], argv[4]
    count = int(argv[5]) if len(argv) == 6 else 3
    conf.verb = 0
    mine = get_if_hwaddr(iface)
    arp = srp1(Ether(src=mine, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=vlan) /
               ARP(op="who-has", hwsrc=mine, psrc=src, pdst=dst),
               iface=iface, timeout=2, retry=2)
    if arp is None or Dot1Q not in arp or arp[Dot1Q].vlan != vlan or ARP not in arp:
        print("arp none")
        print("%d packets transmitted, 0 received" % count)
        return 1
    peer = arp[ARP].hwsrc
    print("arp %s" % peer)
    received = 0
    for seq in range(count):
        ans = srp1(Ether(src=mine, dst=peer) / Dot1Q(vlan=vlan) / IP(src=src, dst=dst) /
                   ICMP(type="echo-request", id=0x5356, seq=seq) / (b"svnic" * 8),
                   iface=iface, timeout=2)
        if (ans is not None and Dot1Q in ans and ans[Dot1Q].vlan == vlan and ICMP in ans
                and ans[ICMP].type == 0 and ans[ICMP].seq == seq):
            received += 1
    print("%d packets transmitted, %d received" % (count, received))
    return 0 if received == count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

package egress

import (
	"net/netip"
	"testing"
)

func TestBlocked(t *testing.T) {
	cases := []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true}, {"127.255.0.9", true}, {"10.1.2.3", true}, {"172.16.0.1", true},
		{"172.32.0.1", false}, {"192.168.1.1", true}, {"169.254.169.254", true},
		{"100.64.0.1", true}, {"100.128.0.1", false}, {"0.0.0.0", true}, {"224.0.0.1", true},
		{"255.255.255.255", true}, {"8.8.8.8", false}, {"1.1.1.1", false},
		{"::1", true}, {"::", true}, {"::7f00:1", true}, {"fe80::1", true}, {"fe80::1%eth0", true},
		{"fc00::1", true}, {"fd00:ec2::254", true}, {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:169.254.169.254", true}, {"::ffff:8.8.8.8", false},
		{"64:ff9b::a00:1", true}, {"64:ff9b::a9fe:a9fe", true}, {"64:ff9b::808:808", false},
		{"64:ff9b:1::1", true}, {"2002:7f00:1::", true}, {"2002:808:808::", false},
		{"2001:0:1234::1", true}, {"2001:db8::1", true},
		{"2606:4700:4700::1111", false}, {"2001:4860:4860::8888", false},
	}
	for _, tc := range cases {
		if got := Blocked(netip.MustParseAddr(tc.addr)); got != tc.blocked {
			t.Errorf("Blocked(%s) = %v, want %v", tc.addr, got, tc.blocked)
		}
	}
	if !Blocked(netip.Addr{}) {
		t.Error("the invalid address is not blocked")
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRunDispatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		code int
		err  string
	}{
		{nil, exitUsage, "usage: faultkit"},
		{[]string{"help"}, exitOK, "hostile-rpc"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"hostile-peer", "-h"}, exitOK, "-pow-budget"},
		{[]string{"hostile-peer", "-rpc", "http://127.0.0.1:1"}, exitUsage, "-peer and -rpc are required"},
		{[]string{"hostile-peer", "-rpc", "x", "-peer", "/ip4/127.0.0.1/tcp/1"}, exitUsage, "/p2p/<peer id>"},
		{[]string{"hostile-peer", "-rpc", "x", "-peer", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo", "-phases", "nope"}, exitUsage, `no phase "nope"`},
		{[]string{"hostile-peer", "-rpc", "x", "-peer", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo", "-gossip-signing", "maybe"}, exitUsage, "want auto, signed or unsigned"},
		{[]string{"hostile-rpc", "-rpc", "http://127.0.0.1:1", "-duration", "0s"}, exitUsage, "must be positive"},
		{[]string{"hostile-rpc", "-rpc", "http://127.0.0.1:1", "-duration", "1s"}, exitFailed, "node unreachable"},
		{[]string{"banned", "-rpc", "http://127.0.0.1:1"}, exitUsage, "at least one peer id"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, &env{stdout: &stdout, stderr: &stderr, now: time.Now})
		if code != tt.code || !strings.Contains(stderr.String(), tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d containing %q", tt.args, code, stderr.String(), tt.code, tt.err)
		}
	}
}

package rpc

import (
	"strings"
	"testing"
)

// TestAdminBlockPeer runs one partition and heal through admin_blockPeer and
// admin_unblockPeer, checking after each step which peers the backend holds
// blocked, then the argument errors.
func TestAdminBlockPeer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	const a, b = "12D3KooWpeerA", "12D3KooWpeerB"
	steps := []struct {
		name    string
		method  string
		params  string
		code    int    // expected error code, 0 for result true
		msgPart string // part of the expected error message
		blocked []string
		free    []string
	}{
		{name: "block a", method: "admin_blockPeer", params: `["` + a + `"]`, blocked: []string{a}, free: []string{b}},
		{name: "block b", method: "admin_blockPeer", params: `["` + b + `"]`, blocked: []string{a, b}},
		{name: "block a again", method: "admin_blockPeer", params: `["` + a + `"]`, blocked: []string{a, b}},
		{name: "unblock a", method: "admin_unblockPeer", params: `["` + a + `"]`, blocked: []string{b}, free: []string{a}},
		{name: "unblock a again", method: "admin_unblockPeer", params: `["` + a + `"]`, blocked: []string{b}, free: []string{a}},
		{name: "unblock b", method: "admin_unblockPeer", params: `["` + b + `"]`, free: []string{a, b}},
		{name: "block self", method: "admin_blockPeer", params: `["` + selfPeerID + `"]`, code: CodeInvalidParams, msgPart: "invalid peer", free: []string{selfPeerID}},
		{name: "block empty", method: "admin_blockPeer", params: `[""]`, code: CodeInvalidParams, msgPart: "bad peer"},
		{name: "block too long", method: "admin_blockPeer", params: `["` + strings.Repeat("x", maxPeerAddrLen+1) + `"]`, code: CodeInvalidParams, msgPart: "bad peer"},
		{name: "block number", method: "admin_blockPeer", params: `[7]`, code: CodeInvalidParams},
		{name: "block no argument", method: "admin_blockPeer", params: `[]`, code: CodeInvalidParams},
		{name: "unblock two arguments", method: "admin_unblockPeer", params: `["` + a + `","` + b + `"]`, code: CodeInvalidParams, free: []string{a, b}},
	}
	// The steps share one backend, in order: no t.Parallel inside.
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := ts.call(t, st.method, st.params)
			switch {
			case st.code != 0 && r.Error == nil:
				t.Fatalf("result %s, want error %d", r.Result, st.code)
			case st.code != 0 && (r.Error.Code != st.code || !strings.Contains(r.Error.Message, st.msgPart)):
				t.Fatalf("error %d %q, want %d containing %q", r.Error.Code, r.Error.Message, st.code, st.msgPart)
			case st.code == 0 && r.Error != nil:
				t.Fatalf("error %d %q, want true", r.Error.Code, r.Error.Message)
			case st.code == 0 && string(r.Result) != "true":
				t.Fatalf("result %s, want true", r.Result)
			}
			for _, id := range st.blocked {
				if !ts.f.isBlocked(id) {
					t.Errorf("%s not blocked", id)
				}
			}
			for _, id := range st.free {
				if ts.f.isBlocked(id) {
					t.Errorf("%s still blocked", id)
				}
			}
		})
	}
}

// TestAdminBlockPeerRestricted: like every admin_ method, blocking needs the
// auth token when one is configured.
func TestAdminBlockPeerRestricted(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.AuthToken = "secret" })
	for _, m := range []string{"admin_blockPeer", "admin_unblockPeer"} {
		r := ts.call(t, m, `["12D3KooWpeerA"]`)
		if r.Error == nil || r.Error.Code != CodeServer || !strings.HasPrefix(r.Error.Message, "method not allowed") {
			t.Fatalf("%s without token: %s %+v, want method not allowed", m, r.Result, r.Error)
		}
	}
	if ts.f.isBlocked("12D3KooWpeerA") {
		t.Fatal("peer blocked without the token")
	}
}

package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
)

func TestFrames(t *testing.T) {
	t.Parallel()
	msgs := []p2p.Message{
		&p2p.GetHeadersMsg{Locator: []types.Hash{{1}}, Max: 2000},
		&p2p.PooledTxHashesMsg{Hashes: []types.Hash{{2}, {3}}},
		&p2p.BlocksMsg{},
	}
	var buf bytes.Buffer
	for _, m := range msgs {
		if err := writeMessage(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for i, want := range msgs {
		got, err := readMessage(r)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !reflect.DeepEqual(p2p.EncodeMessage(got), p2p.EncodeMessage(want)) {
			t.Fatalf("message %d: %v, want %v", i, got, want)
		}
	}
	huge := bufio.NewReader(bytes.NewReader(binary.AppendUvarint(nil, maxReadFrame+1)))
	if _, err := readMessage(huge); !errors.Is(err, errFrameTooLong) {
		t.Fatalf("declared length over the bound: %v", err)
	}
	if got := frame([]byte{1, 2, 3}); !bytes.Equal(got, []byte{3, 1, 2, 3}) {
		t.Fatalf("frame: %x", got)
	}
}

func TestExpectation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		e    expectation
		o    outcome
		want bool
	}{
		{expectBan, outcomeBanned, true},
		{expectBan, outcomeDisconnected, false},
		{expectBan, outcomeConnected, false},
		{expectNoBan, outcomeBanned, false},
		{expectNoBan, outcomeDisconnected, true},
		{expectNoBan, outcomeConnected, true},
	} {
		if got := tt.e.met(tt.o); got != tt.want {
			t.Errorf("%v met by %v: %v, want %v", tt.e, tt.o, got, tt.want)
		}
	}
}

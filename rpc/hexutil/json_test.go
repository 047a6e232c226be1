package hexutil

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// textBytes is Bytes as it was encoded before AppendJSON: encoding/json
// quoting the string Encode built. It is the reference the appending
// encoder must match byte for byte.
type textBytes []byte

func (b textBytes) MarshalText() ([]byte, error) { return []byte(Encode(b)), nil }

// bytesTable is the inputs both encodings are compared on.
func bytesTable() map[string][]byte {
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	big := make([]byte, 1<<20+3)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	return map[string][]byte{
		"nil": nil, "empty": {}, "zero": {0}, "ff": {0xff}, "two": {0x00, 0xff},
		"html-looking": []byte(`<>&"\`), "every byte": every, "1 MiB + 3": big,
	}
}

// TestBytesJSONMatchesText: AppendJSON, MarshalText and json.Marshal
// (bare, in a struct, in a slice, behind a pointer, with omitempty) give
// the same bytes as the string-building encoding did.
func TestBytesJSONMatchesText(t *testing.T) {
	t.Parallel()
	type pair struct {
		name     string
		old, new any
	}
	for name, in := range bytesTable() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			type oldDoc struct {
				A textBytes  `json:"a"`
				O textBytes  `json:"o,omitempty"`
				P *textBytes `json:"p"`
			}
			type newDoc struct {
				A Bytes  `json:"a"`
				O Bytes  `json:"o,omitempty"`
				P *Bytes `json:"p"`
			}
			ob, nb := textBytes(in), Bytes(in)
			pairs := []pair{
				{"bare", ob, nb},
				{"struct", oldDoc{ob, ob, &ob}, newDoc{nb, nb, &nb}},
				{"slice", []textBytes{ob, nil, ob}, []Bytes{nb, nil, nb}},
				{"any", []any{ob}, []any{nb}},
			}
			for _, p := range pairs {
				want, err := json.Marshal(p.old)
				if err != nil {
					t.Fatal(err)
				}
				got, err := json.Marshal(p.new)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: json.Marshal differs from the text encoding (%d vs %d bytes)", p.name, len(got), len(want))
				}
			}
			want, _ := json.Marshal(ob)
			if got := nb.AppendJSON(nil); !bytes.Equal(got, want) {
				t.Fatalf("AppendJSON = %.40q, want %.40q", got, want)
			}
			if got := nb.AppendJSON([]byte("x")); !bytes.Equal(got, append([]byte("x"), want...)) {
				t.Fatalf("AppendJSON after a prefix = %.40q", got)
			}
			if nb.JSONLen() != len(want) {
				t.Fatalf("JSONLen = %d, encoding has %d", nb.JSONLen(), len(want))
			}
			if got, _ := nb.MarshalText(); string(got) != Encode(in) {
				t.Fatalf("MarshalText = %.40q, want %.40q", got, Encode(in))
			}
			if got := AppendEncode([]byte("ab"), in); string(got) != "ab"+Encode(in) {
				t.Fatalf("AppendEncode after a prefix = %.40q", got)
			}
		})
	}
}

// FuzzBytesJSON: for any input the appending encoder equals the text one.
func FuzzBytesJSON(f *testing.F) {
	for _, in := range bytesTable() {
		if len(in) < 1024 {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, err := json.Marshal(textBytes(in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(Bytes(in))
		if err != nil || !bytes.Equal(got, want) || !bytes.Equal(Bytes(in).AppendJSON(nil), want) || Bytes(in).JSONLen() != len(want) {
			t.Fatalf("%x: got %s (%v), want %s", in, got, err, want)
		}
	})
}

// BenchmarkBytesJSON encodes 3 MiB of data (a 6 MiB answer): with
// json.Marshal through the string-building text (old) and the exact-size
// one (new), and with AppendJSON into a buffer of JSONLen bytes.
func BenchmarkBytesJSON(b *testing.B) {
	data := bytes.Repeat([]byte{0xab}, 3<<20)
	for _, bc := range []struct {
		name string
		enc  func() ([]byte, error)
	}{
		{"marshal-old", func() ([]byte, error) { return json.Marshal(textBytes(data)) }},
		{"marshal-new", func() ([]byte, error) { return json.Marshal(Bytes(data)) }},
		{"append", func() ([]byte, error) { return Bytes(data).AppendJSON(make([]byte, 0, Bytes(data).JSONLen())), nil }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := bc.enc(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

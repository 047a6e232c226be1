package bip39

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// publishedEnglishSHA256 is the SHA-256 of bip-0039/english.txt as published
// in the bitcoin/bips repository.
const publishedEnglishSHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"

func TestEnglishWordList(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte(englishText))
	if got := hex.EncodeToString(sum[:]); got != publishedEnglishSHA256 {
		t.Fatalf("english.txt SHA-256 = %s, want the published %s", got, publishedEnglishSHA256)
	}
	words := EnglishWords()
	if len(words) != WordCount {
		t.Fatalf("have %d words, want %d", len(words), WordCount)
	}
	seen := make(map[string]bool, len(words))
	for i, w := range words {
		if w == "" || strings.TrimSpace(w) != w || strings.ToLower(w) != w {
			t.Errorf("word %d %q is not a bare lower-case word", i, w)
		}
		if seen[w] {
			t.Errorf("word %q appears twice", w)
		}
		seen[w] = true
		if i > 0 && words[i-1] >= w {
			t.Errorf("list not strictly sorted at %d: %q >= %q", i, words[i-1], w)
		}
		// BIP-39 promises the first four letters identify a word.
		if i > 0 && len(w) >= 4 && len(words[i-1]) >= 4 && w[:4] == words[i-1][:4] {
			t.Errorf("words %q and %q share their first four letters", words[i-1], w)
		}
		if idx, ok := wordIndex(w); !ok || idx != i {
			t.Errorf("wordIndex(%q) = %d, %v; want %d, true", w, idx, ok, i)
		}
	}
	for _, w := range []string{"", "abandonx", "zzz", "Abandon", "aaa"} {
		if _, ok := wordIndex(w); ok {
			t.Errorf("wordIndex(%q) found a word", w)
		}
	}
}

func TestEnglishWordsIsACopy(t *testing.T) {
	t.Parallel()
	w := EnglishWords()
	w[0] = "mutated"
	if EnglishWords()[0] != "abandon" {
		t.Fatal("EnglishWords exposes the package's table")
	}
}

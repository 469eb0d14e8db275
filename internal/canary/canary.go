// Package canary finds planted secrets (canaries) in what kubeproof
// writes: bundle members, inspect output, reports. A canary counts as
// found when the output holds it, any 16-byte piece of it, or its base64
// (standard or URL alphabet) at any of the three alignments a base64
// encoder can give it, less the characters that depend on its
// neighbours — so that a secret cut short, or carried inside base64
// text, is found too.
package canary

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Canary is one planted secret.
type Canary struct {
	Value string // the secret as planted, or decoded when Encoding says so
	Where string // where it was planted
	Form  string // how it was planted
}

// legacy marks the secrets of the older fixture specs.
var legacy = regexp.MustCompile(`KPCANARY[A-Za-z0-9]+`)

// Load returns the canaries of a node spec: the rows of its canaries.tsv
// (canary, encoding, where, form) where it has one, and every KPCANARY…
// string in its files and process list.
func Load(specDir string) ([]Canary, error) {
	var out []Canary
	seen := map[string]bool{}
	add := func(c Canary) {
		if !seen[c.Value] {
			seen[c.Value] = true
			out = append(out, c)
		}
	}
	if f, err := os.Open(filepath.Join(specDir, "canaries.tsv")); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for n := 1; sc.Scan(); n++ {
			if n == 1 {
				continue // header
			}
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) < 4 || cols[0] == "" {
				f.Close()
				return nil, fmt.Errorf("%s/canaries.tsv:%d: want canary, encoding, where, form", specDir, n)
			}
			add(Canary{Value: cols[0], Where: cols[2], Form: cols[3]})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	err := filepath.WalkDir(specDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(specDir, p)
		for _, m := range legacy.FindAll(data, -1) {
			add(Canary{Value: string(m), Where: rel, Form: "KPCANARY"})
		}
		return nil
	})
	return out, err
}

// Piece is the length of the pieces of a canary that are searched for.
const Piece = 16

// Needles returns what is searched for a secret: itself, and its base64
// forms at the three alignments with the characters that depend on
// what surrounds it dropped.
func Needles(secret string) []string {
	out := []string{secret}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for pad := 0; pad < 3; pad++ {
			s := enc.EncodeToString(append(make([]byte, pad), secret...))
			from := (pad*8 + 5) / 6
			to := len(strings.TrimRight(s, "=")) - 2
			if to-from >= 8 {
				out = append(out, s[from:to])
			}
		}
	}
	return out
}

// Scanner finds canaries in text.
type Scanner struct {
	pieces map[string]int // every Piece-byte window of every canary → canary
	short  []needle       // base64 forms, and canaries shorter than Piece, searched whole
	list   []Canary
}

type needle struct {
	s string
	c int
}

// NewScanner prepares the search for the canaries.
func NewScanner(cs []Canary) *Scanner {
	s := &Scanner{pieces: map[string]int{}, list: cs}
	for i, c := range cs {
		for j, n := range Needles(c.Value) {
			if j > 0 || len(n) < Piece {
				// The base64 forms are searched whole: pieces of base64
				// of base64 text match the base64 of other text that
				// shares a word (a JWT and a certificate both naming
				// "kubernetes").
				s.short = append(s.short, needle{n, i})
				continue
			}
			for k := 0; k+Piece <= len(n); k++ {
				s.pieces[n[k:k+Piece]] = i
			}
		}
	}
	return s
}

// Hit is a canary found in a text.
type Hit struct {
	Canary Canary
	Offset int
	Text   string // the text around it
}

// Find returns the canaries found in data, each once, at its first place.
func (s *Scanner) Find(data []byte) []Hit {
	found := map[int]int{}
	for k := 0; k+Piece <= len(data); k++ {
		if c, ok := s.pieces[string(data[k:k+Piece])]; ok {
			if _, seen := found[c]; !seen {
				found[c] = k
			}
		}
	}
	text := string(data)
	for _, n := range s.short {
		if _, seen := found[n.c]; seen {
			continue
		}
		if i := strings.Index(text, n.s); i >= 0 {
			found[n.c] = i
		}
	}
	var hits []Hit
	for c, off := range found {
		a, b := max(off-40, 0), min(off+56, len(data))
		hits = append(hits, Hit{Canary: s.list[c], Offset: off, Text: string(data[a:b])})
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].Offset < hits[j].Offset })
	return hits
}

// Len is the number of canaries searched for.
func (s *Scanner) Len() int { return len(s.list) }

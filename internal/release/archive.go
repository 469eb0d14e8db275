package release

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// File is a file of an archive.
type File struct {
	Name string // slash-separated, relative to the archive's top directory
	Exec bool   // mode 0755 instead of 0644
	Data []byte
}

// epoch is the time of every archive entry: the earliest a zip entry can
// carry (MS-DOS dates start in 1980), and the same in tarballs.
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// sortedFiles checks names and sorts them: clean relative paths, each once.
func sortedFiles(files []File) ([]File, error) {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for i, f := range out {
		if f.Name == "" || path.Clean(f.Name) != f.Name || path.IsAbs(f.Name) || strings.HasPrefix(f.Name, "../") || f.Name == ".." {
			return nil, fmt.Errorf("archive member %q: not a clean relative path", f.Name)
		}
		if i > 0 && out[i-1].Name == f.Name {
			return nil, fmt.Errorf("archive member %q twice", f.Name)
		}
	}
	return out, nil
}

// parents are the directories to write before a file top/name that are
// not written yet, parents first; it marks them written.
func parents(top, name string, written map[string]bool) []string {
	var chain []string
	for d := path.Dir(path.Join(top, name)); d != "." && d != "/"; d = path.Dir(d) {
		if written[d] {
			break
		}
		written[d] = true
		chain = append(chain, d)
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

// TarGz writes files under the directory top as a gzip-compressed tarball.
// The bytes depend on the names and contents alone: sorted entries, each
// directory before its first file, the fixed epoch, owner 0:0 with no
// names, modes 0755 and 0644, and a gzip header with no name and no time.
func TarGz(top string, files []File) ([]byte, error) {
	t, err := tarBytes(top, files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(t); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Zip writes files under the directory top as a zip archive, as TarGz
// does: sorted entries, the fixed epoch, Unix modes, no extra fields.
func Zip(top string, files []File) ([]byte, error) {
	files, err := sortedFiles(files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	written := map[string]bool{}
	for _, f := range files {
		for _, d := range parents(top, f.Name, written) {
			h := &zip.FileHeader{Name: d + "/", Method: zip.Store}
			h.SetMode(fs.ModeDir | 0o755)
			h.ModifiedDate, h.ModifiedTime = dosEpoch()
			if _, err := zw.CreateHeader(h); err != nil {
				return nil, err
			}
		}
		h := &zip.FileHeader{Name: path.Join(top, f.Name), Method: zip.Deflate}
		mode := fs.FileMode(0o644)
		if f.Exec {
			mode = 0o755
		}
		h.SetMode(mode)
		// Not h.Modified: it adds an extended-timestamp extra field.
		h.ModifiedDate, h.ModifiedTime = dosEpoch()
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dosEpoch is the epoch in MS-DOS date and time fields.
func dosEpoch() (date, tm uint16) {
	return uint16((epoch.Year()-1980)<<9 | int(epoch.Month())<<5 | epoch.Day()), 0
}

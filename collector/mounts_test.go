package collector

import (
	"debug/buildinfo"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A container's mount table (deploy/ with narrower mounts than the node's
// root): /host is no mount point, /host/etc and /host/var/lib are.
const containerMountinfo = `1453 1372 0:152 / / ro,relatime master:481 - overlay overlay rw,lowerdir=/var/lib/containerd/l1
1454 1453 0:155 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
1460 1453 253:0 /etc /host/etc ro,relatime - ext4 /dev/sda1 rw
1461 1453 253:1 /lib /host/var/lib ro,relatime - ext4 /dev/sdb1 rw
1462 1453 0:24 / /host/proc ro,nosuid,nodev,noexec,relatime - proc proc rw
1463 1453 253:0 /srv/a\040b /host/srv/a\040b ro,relatime - ext4 /dev/sda1 rw
`

func TestMountPointsBelow(t *testing.T) {
	tests := []struct {
		name, root, info string
		want             []string
	}{
		{"container", "/host", containerMountinfo, []string{"/etc", "/var/lib", "/proc", "/srv/a b"}},
		{"root a mount point: all of it is there", "/host", "1 0 0:1 / /host ro - ext4 /dev/sda1 rw\n2 1 0:2 / /host/proc rw - proc proc rw\n", nil},
		{"a directory tree, nothing mounted below", "/tmp/image", containerMountinfo, nil},
		{"a mount point that only starts like root", "/host", "1 0 0:1 / /hostile ro - ext4 /dev/sda1 rw\n", nil},
		{"trailing slash", "/host/", containerMountinfo, []string{"/etc", "/var/lib", "/proc", "/srv/a b"}},
		{"no mount table", "/host", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mountPointsBelow(tt.root, []byte(tt.info)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mountPointsBelow(%q) = %q, want %q", tt.root, got, tt.want)
			}
		})
	}
}

func TestCovered(t *testing.T) {
	mounts := []string{"/etc", "/var/lib", "/proc"}
	tests := []struct {
		path string
		want bool
	}{
		{"/etc", true},
		{"/etc/kubernetes/admin.conf", true},
		{"/var/lib/kubelet/config.yaml", true},
		{"/var", true}, // on the way to /var/lib
		{"/", true},
		{"/etcd", false},
		{"/var/snap/microk8s/current/args/kubelet", false},
		{"/srv/kubernetes/server.cert", false},
		{"/system/secrets/kubernetes/kube-scheduler/kubeconfig", false},
	}
	for _, tt := range tests {
		if got := covered(mounts, tt.path); got != tt.want {
			t.Errorf("covered(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if !covered(nil, "/srv/anything") {
		t.Error("with no mount points to go by, every path is covered")
	}
}

// TestNotMounted: under a root with mount points below it, a path outside
// them is not mounted, never absent, wherever the collector meets it: a
// stat, a read, a listing, a symlink leading out of the mounts.
func TestNotMounted(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"etc/kubernetes", "var/lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/srv/pki", filepath.Join(root, "etc/kubernetes/pki")); err != nil {
		t.Fatal(err)
	}
	s := &hostSource{root: root, mounts: []string{"/etc", "/var/lib"}}
	check := func(what string, err error, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", what, err, want)
		}
	}
	_, err := s.lstat("/srv/kubernetes/server.cert")
	check("lstat outside", err, errNotMounted)
	_, err = s.readFile("/srv/kubernetes/server.cert", 10)
	check("readFile outside", err, errNotMounted)
	_, err = s.readDir("/srv/kubernetes")
	check("readDir outside", err, errNotMounted)
	_, err = s.readFile("/etc/kubernetes/pki/ca.crt", 10)
	check("a symlink out of the mounts", err, errNotMounted)
	_, err = s.lstat("/etc/kubernetes/admin.conf")
	check("absent inside a mount", err, os.ErrNotExist)
	if err != nil && errors.Is(err, errNotMounted) {
		t.Error("a path inside a mount read as not mounted")
	}
	if k := errorKind(&os.PathError{Op: "stat", Path: "/srv", Err: errNotMounted}); k == "not-exist" {
		t.Errorf("kind %q: a path not mounted must not read as absent", k)
	}
	s.mounts = nil
	_, err = s.lstat("/srv/kubernetes/server.cert")
	check("no mount points: absent", err, os.ErrNotExist)
}

func TestUnescapeMountinfo(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/tab\011x`: "/tab\tx", `/back\134slash`: `/back\slash`, `/plain`: "/plain", `/bad\04`: `/bad\04`, `/x\999`: `/x\999`} {
		if got := unescapeMountinfo(in); got != want {
			t.Errorf("unescapeMountinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExecutableThroughRoot: when the root's /proc is a proc file system
// (the node's, mounted into a container), processes' executables are
// read through it; under a disk image, never.
func TestExecutableThroughRoot(t *testing.T) {
	if !isProcfs("/proc") {
		t.Fatal("/proc is not a proc file system on this machine")
	}
	if isProcfs(t.TempDir()) {
		t.Fatal("a temporary directory taken for a proc file system")
	}
	s := &hostSource{root: "/", procfs: true}
	r, c, err := s.executable(os.Getpid())
	if err != nil || r == nil {
		t.Fatalf("executable through the root's /proc: %v", err)
	}
	defer c.Close()
	if _, err := buildinfo.Read(r); err != nil {
		t.Errorf("reading the build information of this test through the root's /proc: %v", err)
	}
	image := &hostSource{root: t.TempDir()}
	if r, _, err := image.executable(os.Getpid()); r != nil || err != nil {
		t.Errorf("a disk image gave an executable (%v)", err)
	}
}

package results

import "testing"

func TestCompareIDs(t *testing.T) {
	ordered := []string{"1", "1.1", "1.1.2", "1.1.10", "1.2", "1.2.9", "1.2.10", "1.10", "2", "4.2.9", "4.2.10", "10"}
	for i := range ordered {
		for j := range ordered {
			got := CompareIDs(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("CompareIDs(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

package transporttest

import (
	"fmt"
	"os"
	"path/filepath"
)

// FiguresFile is the file under PCSGATE_TEST_ARTIFACTS that Figure appends
// to; make test-integration prints it at the end, since go test shows the
// output of passing packages only with -v.
const FiguresFile = "figures.txt"

// Figure prints one line of measured figures (a campaign's summary, say)
// and appends it to FiguresFile under PCSGATE_TEST_ARTIFACTS when that is
// set. A file that cannot be written costs the copy, not the test.
func Figure(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		line += "\n"
	}
	fmt.Print(line)
	dir := os.Getenv("PCSGATE_TEST_ARTIFACTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(filepath.Join(dir, FiguresFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString(line)
}

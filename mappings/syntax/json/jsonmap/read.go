package jsonmap

import (
	"bufio"
	"io"
)

// readAllBuffered reads br to the end, at most limit bytes, into one slice
// sized to what br already holds: a short message is usually buffered
// whole, and io.ReadAll's doubling from 512 bytes would copy it several
// times. hint is the whole input's size when the caller knows it (0
// otherwise): one byte more holds it and sees the end.
func readAllBuffered(br *bufio.Reader, limit int64, hint int) ([]byte, error) {
	size := min(int64(br.Buffered())+512, limit)
	if hint > 0 && hint >= br.Buffered() {
		size = min(int64(hint)+1, limit)
	}
	buf := make([]byte, 0, size)
	r := io.LimitReader(br, limit)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

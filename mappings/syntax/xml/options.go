package xml

// Default limits used when an Options field is zero or negative.
const (
	DefaultMaxBytes = 16 << 20
	DefaultMaxDepth = 64
)

// Options limits what Parse and NewStream accept.
type Options struct {
	// MaxBytes is the largest document Parse reads, in bytes. For a Stream
	// it bounds the bytes read to produce one element (counted from the
	// previous element), so a file of any length streams in bounded memory.
	// Default 16 MiB.
	MaxBytes int64
	// MaxDepth is how deeply elements may nest; the root element is at
	// depth 1. Default 64.
	MaxDepth int
	// Name identifies the document in errors, typically its file name.
	Name string
}

func (o *Options) setDefaults() {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
}

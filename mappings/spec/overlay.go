package spec

import "reflect"

// Overlay returns base with the Overlay's settings on top. A setting the
// Overlay gives (anything but its zero value) replaces the base's; the
// sections options, decode and encode are merged setting by setting, so an
// Overlay that changes one option keeps the others. Two settings are not
// plain: decode.fields replace the base field with the same target (or are
// appended), and decode.remove drops base fields by target. The Overlay's
// own identity (profile, extends, file, folder) always wins.
func Overlay(base, o *Spec) *Spec {
	m := *base
	mergeInto(reflect.ValueOf(&m).Elem(), reflect.ValueOf(o).Elem(), 1)
	m.Profile, m.Extends, m.File, m.Dir = o.Profile, o.Extends, o.File, o.Dir
	m.Secrets = overlaySecrets(base.Secrets, o.Secrets)
	if base.Decode != nil && o.Decode != nil {
		m.Decode.Fields = overlayFields(base.Decode.Fields, o.Decode.Fields, o.Decode.Remove)
		m.Decode.Remove = nil
	}
	return &m
}

// mergeInto sets every non-zero field of src on dst. A pointer to a
// struct set on both sides is copied and merged in turn, while depth
// lasts; below that, a set value replaces the whole.
func mergeInto(dst, src reflect.Value, depth int) {
	for i := 0; i < src.NumField(); i++ {
		s, d := src.Field(i), dst.Field(i)
		switch {
		case !d.CanSet() || s.IsZero():
		case depth > 0 && s.Kind() == reflect.Pointer && s.Elem().Kind() == reflect.Struct && !d.IsNil():
			merged := reflect.New(d.Elem().Type())
			merged.Elem().Set(d.Elem())
			mergeInto(merged.Elem(), s.Elem(), depth-1)
			d.Set(merged)
		default:
			d.Set(s)
		}
	}
}

// overlayFields merges decode fields by target: an overlay field replaces
// the base field of its target in place, new targets are appended, and
// removed targets are dropped.
func overlayFields(base, over []*Field, remove []string) []*Field {
	removed := map[string]bool{}
	for _, t := range remove {
		removed[t] = true
	}
	byTarget := map[string]*Field{}
	for _, f := range over {
		byTarget[f.Target] = f
	}
	var out []*Field
	for _, f := range base {
		switch {
		case removed[f.Target]:
		case byTarget[f.Target] != nil:
			out = append(out, byTarget[f.Target])
			delete(byTarget, f.Target)
		default:
			out = append(out, f)
		}
	}
	for _, f := range over {
		if byTarget[f.Target] != nil {
			out = append(out, f)
		}
	}
	return out
}

// overlaySecrets keeps every secret of the base and adds the overlay's: an
// overlay can declare more secrets, never fewer. A path declared on both
// sides takes the overlay's kind and doc.
func overlaySecrets(base, over []*Secret) []*Secret {
	if len(over) == 0 {
		return base
	}
	out := make([]*Secret, 0, len(base)+len(over))
	byPath := map[string]*Secret{}
	for _, s := range over {
		byPath[s.Path] = s
	}
	for _, s := range base {
		if o, ok := byPath[s.Path]; ok {
			s = o
			delete(byPath, o.Path)
		}
		out = append(out, s)
	}
	for _, s := range over {
		if byPath[s.Path] != nil {
			out = append(out, s)
		}
	}
	return out
}

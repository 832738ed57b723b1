package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.TableId;
import org.junit.jupiter.api.Test;

/** A value the column cannot hold is refused with a message naming the table, the column's role and its name. */
class ColumnWriterErrorTest {
    private static final TableId T = TableId.of("public", "t");

    private static String errorWriting(FieldType type, Object value, ColumnContext context) {
        ColumnWriter w = new ColumnWriter(new ByteSink(64), 2);
        return assertThrows(IllegalArgumentException.class, () -> w.write(type, new Object[] {null, value}, 2, null, context))
                .getMessage();
    }

    @Test
    void aWronglyTypedValueIsNamedByTableRoleAndColumn() {
        assertEquals("table public.t field v: expected a Long but the row holds a String",
                errorWriting(FieldType.INT64, "x", new ColumnContext().at(T, "field", "v")));
        assertEquals("table public.t updated field s: expected a String but the row holds a Long",
                errorWriting(FieldType.STRING, 2L, new ColumnContext().at(T, "updated field", "s")));
    }

    @Test
    void aReusedContextNamesTheColumnItWasLastPointedAt() {
        ColumnContext context = new ColumnContext().at(T, "key", "id");
        context.at(TableId.of("", "u"), "field", "w");
        assertEquals("table u field w: expected a Boolean but the row holds a Long", errorWriting(FieldType.BOOLEAN, 3L, context));
    }

    @Test
    void anUnpairedSurrogateIsNamedByTheColumn() {
        assertEquals("table public.t field s: string has an unpaired surrogate at index 1 and cannot be encoded as UTF-8",
                errorWriting(FieldType.STRING, "a\uD800b", new ColumnContext().at(T, "field", "s")));
    }
}

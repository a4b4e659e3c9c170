package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.ingest.FrameParser.Parsed;

class FrameParserTest {

    final FrameParser parser = new FrameParser(3);

    @Test
    void a_reading_is_tied_to_its_seq() {
        Parsed parsed = parser.parse("{\"type\":\"reading\",\"seq\":42,\"ts\":1,\"metrics\":{}}");

        assertEquals(List.of(42L), seqs(parsed));
    }

    @Test
    void batch_entries_may_omit_their_type() {
        Parsed parsed = parser.parse("{\"type\":\"batch\",\"readings\":[{\"seq\":1},{\"type\":\"reading\",\"seq\":2}]}");

        assertEquals(List.of(1L, 2L), seqs(parsed));
    }

    @Test
    void a_duplicate_key_is_named() {
        assertEquals(new Parsed.Malformed("frame must not repeat a key, but repeated \"seq\""),
                parser.parse("{\"type\":\"reading\",\"seq\":1,\"seq\":1}"));
    }

    @Test
    void a_number_beyond_what_the_codec_holds_is_malformed_json_not_a_crash() {
        assertEquals(new Parsed.Malformed("frame must be valid JSON, but was malformed"),
                parser.parse("{\"type\":\"reading\",\"seq\":1,\"metrics\":{\"t\":0e-42547409914057600000}}"));
    }

    @Test
    void trailing_tokens_are_refused() {
        assertEquals(new Parsed.Malformed("frame must hold exactly one JSON value, but had more at line 1, column 35"),
                parser.parse("{\"type\":\"reading\",\"seq\":1,\"ts\":1} {}"));
    }

    @Test
    void a_bad_seq_in_a_batch_names_the_entry() {
        assertEquals(new Parsed.Malformed("batch.readings[1].seq must be an integer in [1, 9007199254740991], "
                        + "but was -1"),
                parser.parse("{\"type\":\"batch\",\"readings\":[{\"seq\":1},{\"seq\":-1}]}"));
    }

    @Test
    void an_unknown_type_is_echoed_cut_to_64_characters() {
        String type = "x".repeat(100);

        Parsed parsed = parser.parse("{\"type\":\"" + type + "\",\"seq\":1}");

        assertEquals(new Parsed.Malformed("frame.type must be \"reading\" or \"batch\", but was \"" + "x".repeat(63)
                + "..."), parsed);
    }

    @Test
    void a_batch_over_the_limit_is_too_large() {
        assertEquals(new Parsed.BatchTooLarge("batch.readings must hold at most 3 readings, but held 4"),
                parser.parse("{\"type\":\"batch\",\"readings\":[{\"seq\":1},{\"seq\":2},{\"seq\":3},{\"seq\":4}]}"));
    }

    @Test
    void a_top_level_array_is_not_a_frame() {
        assertEquals(new Parsed.Malformed("frame must be a JSON object, but was an array"), parser.parse("[]"));
    }

    static List<Long> seqs(Parsed parsed) {
        return ((Parsed.Readings) parsed).candidates().stream().map(FrameParser.Candidate::seq).toList();
    }
}

package org.telemetryhub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdsTest {

    private static boolean byRule(String id) {
        return id.matches(Ids.RULE);
    }

    @Test
    void isValid_onEdgeCases_answersAsTheRuleDoes() {
        List<String> ids = List.of("", "a", "Z9", "0", "_a", ".a", "-a", "a_b.c-d", "a b", "a/b", "é", "aé",
                "a".repeat(64), "a".repeat(65), "A" + "-".repeat(63), "a\n", "a\u0000", "ＡＢ");
        for (String id : ids) {
            assertEquals(byRule(id), Ids.isValid(id), id);
        }
        assertEquals(false, Ids.isValid(null));
    }

    @Test
    void isValid_onRandomStrings_answersAsTheRuleDoes() {
        String alphabet = "aZ09_.-/ é\t";
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            for (int n = random.nextInt(70); n > 0; n--) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertEquals(byRule(id.toString()), Ids.isValid(id.toString()), id.toString());
        }
    }
}

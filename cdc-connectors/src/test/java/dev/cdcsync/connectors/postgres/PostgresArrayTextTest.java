package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresArrayTextTest {

  @Test
  void readsElementsQuotedOrNotWithNullsAndEmptyOnes() {
    assertThat(PostgresArrayText.elements("{}", ',')).isEmpty();
    assertThat(PostgresArrayText.elements("{1,NULL,-3}", ','))
        .isEqualTo(Arrays.asList("1", null, "-3"));
    assertThat(
            PostgresArrayText.elements(
                "{\"a,b\",\"NULL\",\"\",\"say \\\"hi\\\" \\\\o/\",Grüße}", ','))
        .isEqualTo(List.of("a,b", "NULL", "", "say \"hi\" \\o/", "Grüße"));
    assertThat(PostgresArrayText.elements("{\"(1,2)\",\"(3,4)\"}", ','))
        .isEqualTo(List.of("(1,2)", "(3,4)"));
  }

  @Test
  void splitsBoxesAtSemicolons() {
    assertThat(PostgresArrayText.elements("{(1,1),(0,0);(3,2),(1,-4)}", ';'))
        .isEqualTo(List.of("(1,1),(0,0)", "(3,2),(1,-4)"));
  }

  @Test
  void refusesWhatNoListHolds() {
    assertThatThrownBy(() -> PostgresArrayText.elements("{{1,2},{3,4}}", ','))
        .isInstanceOf(PostgresArrayText.NotOneDimensional.class)
        .hasMessage("its value '{{1,2},{3,4}}' has several dimensions, which a list does not hold");
    assertThatThrownBy(() -> PostgresArrayText.elements("[0:1]={1,2}", ','))
        .isInstanceOf(PostgresArrayText.NotOneDimensional.class)
        .hasMessage(
            "its value '[0:1]={1,2}' has explicit bounds or several dimensions, which a list does not hold");
  }
}

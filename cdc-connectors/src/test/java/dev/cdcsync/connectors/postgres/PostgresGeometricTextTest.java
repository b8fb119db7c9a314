package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.geometric.PGbox;
import org.postgresql.geometric.PGcircle;
import org.postgresql.geometric.PGline;
import org.postgresql.geometric.PGlseg;
import org.postgresql.geometric.PGpath;
import org.postgresql.geometric.PGpoint;
import org.postgresql.geometric.PGpolygon;
import org.postgresql.util.PGobject;

class PostgresGeometricTextTest {

  @Test
  void writesFloat8AsPostgresDoes() {
    assertThat(PostgresGeometricText.float8(1)).isEqualTo("1");
    assertThat(PostgresGeometricText.float8(-2.5)).isEqualTo("-2.5");
    assertThat(PostgresGeometricText.float8(0.1)).isEqualTo("0.1");
    assertThat(PostgresGeometricText.float8(0.0001)).isEqualTo("0.0001");
    assertThat(PostgresGeometricText.float8(0.00001)).isEqualTo("1e-05");
    assertThat(PostgresGeometricText.float8(-1.25e-7)).isEqualTo("-1.25e-07");
    assertThat(PostgresGeometricText.float8(123456789012345d)).isEqualTo("123456789012345");
    assertThat(PostgresGeometricText.float8(1e15)).isEqualTo("1e+15");
    assertThat(PostgresGeometricText.float8(1.5e300)).isEqualTo("1.5e+300");
    assertThat(PostgresGeometricText.float8(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(PostgresGeometricText.float8(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PostgresGeometricText.float8(0.0)).isEqualTo("0");
    assertThat(PostgresGeometricText.float8(-0.0)).isEqualTo("-0");
    assertThat(PostgresGeometricText.float8(Double.NaN)).isEqualTo("NaN");
    assertThat(PostgresGeometricText.float8(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(PostgresGeometricText.float8(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void float8TextReadsBackAsTheSameDouble() {
    double[] values = {
      Double.MIN_VALUE, Math.PI, -Math.E, 1e-310, 7.123456789012345e22, 2.0 / 3, 1234.5678e-9
    };
    for (double value : values) {
      assertThat(Double.parseDouble(PostgresGeometricText.float8(value))).isEqualTo(value);
    }
  }

  @Test
  void writesEachGeometricTypeInPostgresTextForm() throws Exception {
    assertThat(PostgresGeometricText.format(new PGbox("(3.5,2),(1,-4)")))
        .isEqualTo("(3.5,2),(1,-4)");
    assertThat(PostgresGeometricText.format(new PGcircle("<(1,2),3>"))).isEqualTo("<(1,2),3>");
    assertThat(PostgresGeometricText.format(new PGline("{1,-1,0}"))).isEqualTo("{1,-1,0}");
    assertThat(PostgresGeometricText.format(new PGlseg("[(0,0),(1e+20,1e-05)]")))
        .isEqualTo("[(0,0),(1e+20,1e-05)]");
    assertThat(PostgresGeometricText.format(new PGpath("[(0,0),(1,1),(2,0)]")))
        .isEqualTo("[(0,0),(1,1),(2,0)]");
    assertThat(PostgresGeometricText.format(new PGpath("((0,0),(1,1))")))
        .isEqualTo("((0,0),(1,1))");
    assertThat(PostgresGeometricText.format(new PGpolygon("((0,0),(0,1.5),(1,0))")))
        .isEqualTo("((0,0),(0,1.5),(1,0))");
    assertThat(
            PostgresGeometricText.format(new PGpolygon(new PGpoint[] {new PGpoint(0.1 + 0.2, 1)})))
        .isEqualTo("((0.30000000000000004,1))");
  }

  @Test
  void keepsTheServerTextOfOtherObjects() throws Exception {
    PGobject object = new PGobject();
    object.setType("box");
    object.setValue("(1,1),(0,0)");
    assertThat(PostgresGeometricText.format(object)).isEqualTo("(1,1),(0,0)");
    assertThat(PostgresGeometricText.format("<(0,0),1>")).isEqualTo("<(0,0),1>");
  }
}

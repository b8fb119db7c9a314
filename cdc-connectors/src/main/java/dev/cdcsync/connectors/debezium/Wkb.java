package dev.cdcsync.connectors.debezium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.connect.data.Struct;

/**
 * The bytes a spatial column keeps: Debezium's geometry structs ({@code wkb}, {@code srid}) as one
 * EWKB value, the extended Well-Known Binary PostGIS reads and writes ({@code ST_GeomFromEWKB}), so
 * the SRID is kept beside the shape. A value without an SRID (or SRID 0, "unknown") stays plain
 * WKB; PostGIS values arrive as EWKB already and are kept byte for byte.
 */
final class Wkb {

  /** The EWKB flag in the geometry type word saying an SRID follows it. */
  static final int SRID_FLAG = 0x20000000;

  private Wkb() {}

  static byte[] withSrid(Struct geometry) {
    byte[] wkb = ConnectTypes.bytes(geometry.get("wkb"));
    Integer srid = geometry.getInt32("srid");
    if (srid == null || srid == 0 || wkb.length < 5) {
      return wkb;
    }
    ByteOrder order = wkb[0] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    int type = ByteBuffer.wrap(wkb, 1, 4).order(order).getInt();
    if ((type & SRID_FLAG) != 0) {
      return wkb;
    }
    ByteBuffer ewkb = ByteBuffer.allocate(wkb.length + 4).order(order);
    ewkb.put(wkb[0]);
    ewkb.putInt(type | SRID_FLAG);
    ewkb.putInt(srid);
    ewkb.put(wkb, 5, wkb.length - 5);
    return ewkb.array();
  }
}

# The Spark maintenance job (spark-maintenance) on Apache Spark's image, with Iceberg's Spark
# runtime and what the catalogs need (AWS bundle for S3 and Glue, PostgreSQL JDBC for a jdbc
# catalog). Runs spark-submit; see kubernetes/maintenance and docs/kubernetes.md.
#   docker build -f docker/spark-maintenance.Dockerfile -t cdc-sync-spark-maintenance .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -Pspark -pl spark-maintenance -am package \
    && for artifact in \
         org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0 \
         org.apache.iceberg:iceberg-aws-bundle:1.12.0 \
         org.postgresql:postgresql:42.7.8; do \
       mvn -B -ntp dependency:copy -Dartifact=$artifact -DoutputDirectory=/jars; \
     done

FROM apache/spark:4.1.1
COPY --from=build /jars/ /opt/spark/jars/
COPY --from=build /src/spark-maintenance/target/cdc-sync-spark-maintenance.jar /opt/cdc-sync/cdc-sync-spark-maintenance.jar
ENTRYPOINT ["/opt/spark/bin/spark-submit", "--class", "dev.cdcsync.spark.maintenance.SparkTableMaintenance", "/opt/cdc-sync/cdc-sync-spark-maintenance.jar"]

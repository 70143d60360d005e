package dev.lakehousecontracts.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Works around a bug in Delta Lake 4.4.0 on Spark 4.2.0: Delta's SQL parser does not forward
 * {@code parsePlanWithParameters} to Spark's parser, so bound SQL parameters ({@code :name}, {@code ?}) sent over
 * Spark Connect are dropped and every parameterized query fails with UNBOUND_SQL_PARAMETER. Listed after
 * {@code io.delta.sql.DeltaSparkSessionExtension} in {@code spark.sql.extensions}, this wraps Delta's parser so
 * parameterized statements reach Spark's own parser. Everything else still goes through Delta's parser.
 */
public final class DeltaParameterForwardingExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectParser(
        new AbstractFunction2<SparkSession, ParserInterface, ParserInterface>() {
          @Override
          public ParserInterface apply(SparkSession session, ParserInterface parser) {
            return new ParameterForwardingParser(parser);
          }
        });
    return BoxedUnit.UNIT;
  }
}

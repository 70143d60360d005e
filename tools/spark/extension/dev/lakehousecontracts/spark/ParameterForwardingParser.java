package dev.lakehousecontracts.spark;

import io.delta.sql.parser.DeltaSqlParser;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.HybridParameterContext;
import org.apache.spark.sql.catalyst.parser.NamedParameterContext;
import org.apache.spark.sql.catalyst.parser.ParameterContext;
import org.apache.spark.sql.catalyst.parser.PositionalParameterContext;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;

/** See {@link DeltaParameterForwardingExtension}. */
final class ParameterForwardingParser implements ParserInterface {
  private final ParserInterface outer;
  private final ParserInterface spark;

  ParameterForwardingParser(ParserInterface outer) {
    this.outer = outer;
    this.spark = outer instanceof DeltaSqlParser ? ((DeltaSqlParser) outer).delegate() : outer;
  }

  /**
   * Statements with bound parameters go to Spark's parser (Delta's own statements, such as OPTIMIZE, VACUUM or
   * DESCRIBE HISTORY, take none); should it not know the statement, Delta's parser gets its turn. Statements
   * without parameters go to Delta's parser as before.
   */
  @Override
  public LogicalPlan parsePlanWithParameters(String sqlText, ParameterContext context) throws ParseException {
    if (!hasParameters(context)) return outer.parsePlan(sqlText);
    try {
      return spark.parsePlanWithParameters(sqlText, context);
    } catch (ParseException e) {
      return outer.parsePlanWithParameters(sqlText, context);
    }
  }

  private static boolean hasParameters(ParameterContext context) {
    if (context instanceof NamedParameterContext) return ((NamedParameterContext) context).params().nonEmpty();
    if (context instanceof PositionalParameterContext) return ((PositionalParameterContext) context).params().nonEmpty();
    if (context instanceof HybridParameterContext) return ((HybridParameterContext) context).args().nonEmpty();
    return context != null;
  }

  @Override
  public LogicalPlan parsePlan(String sqlText) throws ParseException {
    return outer.parsePlan(sqlText);
  }

  @Override
  public Expression parseExpression(String sqlText) throws ParseException {
    return outer.parseExpression(sqlText);
  }

  @Override
  public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
    return outer.parseTableIdentifier(sqlText);
  }

  @Override
  public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
    return outer.parseFunctionIdentifier(sqlText);
  }

  @Override
  public Seq<String> parseMultipartIdentifier(String sqlText) throws ParseException {
    return outer.parseMultipartIdentifier(sqlText);
  }

  @Override
  public LogicalPlan parseQuery(String sqlText) throws ParseException {
    return outer.parseQuery(sqlText);
  }

  @Override
  public StructType parseRoutineParam(String sqlText) throws ParseException {
    return outer.parseRoutineParam(sqlText);
  }

  @Override
  public StructType parseTableSchema(String sqlText) throws ParseException {
    return outer.parseTableSchema(sqlText);
  }

  @Override
  public DataType parseDataType(String sqlText) throws ParseException {
    return outer.parseDataType(sqlText);
  }
}

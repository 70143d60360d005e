/**
 * Builders of Spark Connect `Relation` plan nodes. Each returns a fresh plan object; nothing is mutated, so a
 * DataFrame can be derived from another without affecting it.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  Expression_SortOrder_NullOrdering,
  Expression_SortOrder_SortDirection,
  type ExpressionSchema,
} from "../gen/spark/connect/expressions_pb.js";
import { Aggregate_GroupType, type RelationSchema, SetOperation_SetOpType } from "../gen/spark/connect/relations_pb.js";
import { literalExpression, type SqlValue } from "./literals.js";

export type RelationInit = MessageInitShape<typeof RelationSchema>;
export type ExpressionInit = MessageInitShape<typeof ExpressionSchema>;

/** Positional (`?`) parameters as an array, named (`:name`) parameters as an object. */
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

export function sqlRelation(query: string, params?: SqlParams): RelationInit {
  const namedArguments: Record<string, ExpressionInit> = {};
  let posArguments: ExpressionInit[] = [];
  if (Array.isArray(params)) {
    posArguments = params.map((value: SqlValue, i) => literalExpression(value, `parameter #${i + 1}`));
  } else if (params) {
    for (const [name, value] of Object.entries(params as Record<string, SqlValue>)) {
      namedArguments[name] = literalExpression(value, `parameter :${name}`);
    }
  }
  return { relType: { case: "sql", value: { query, namedArguments, posArguments } } };
}

export function namedTable(name: string): RelationInit {
  return {
    relType: { case: "read", value: { readType: { case: "namedTable", value: { unparsedIdentifier: name } } } },
  };
}

export function dataSource(
  format: string,
  paths: readonly string[],
  options: Record<string, string> = {},
): RelationInit {
  return {
    relType: {
      case: "read",
      value: { readType: { case: "dataSource", value: { format, paths: [...paths], options } } },
    },
  };
}

export function range(start: bigint, end: bigint, step: bigint, numPartitions?: number): RelationInit {
  return {
    relType: { case: "range", value: { start, end, step, ...(numPartitions === undefined ? {} : { numPartitions }) } },
  };
}

export function localRelation(data: Uint8Array, schema?: string): RelationInit {
  return { relType: { case: "localRelation", value: { data, ...(schema === undefined ? {} : { schema }) } } };
}

export function cachedLocalRelation(hash: string): RelationInit {
  return { relType: { case: "cachedLocalRelation", value: { hash } } };
}

export function chunkedCachedLocalRelation(dataHashes: readonly string[], schemaHash?: string): RelationInit {
  return {
    relType: {
      case: "chunkedCachedLocalRelation",
      value: { dataHashes: [...dataHashes], ...(schemaHash === undefined ? {} : { schemaHash }) },
    },
  };
}

/** `UNION ALL` by position of one or more relations, as a balanced tree so plans stay shallow. */
export function unionAll(inputs: readonly RelationInit[]): RelationInit {
  if (inputs.length === 0) throw new RangeError("unionAll needs at least one relation");
  if (inputs.length === 1) return inputs[0] as RelationInit;
  const middle = Math.ceil(inputs.length / 2);
  return {
    relType: {
      case: "setOp",
      value: {
        leftInput: unionAll(inputs.slice(0, middle)),
        rightInput: unionAll(inputs.slice(middle)),
        setOpType: SetOperation_SetOpType.UNION,
        isAll: true,
      },
    },
  };
}

export function filter(input: RelationInit, condition: ExpressionInit): RelationInit {
  return { relType: { case: "filter", value: { input, condition } } };
}

export function project(input: RelationInit, expressions: readonly ExpressionInit[]): RelationInit {
  return { relType: { case: "project", value: { input, expressions: [...expressions] } } };
}

export function sort(input: RelationInit, columns: readonly { name: string; descending?: boolean }[]): RelationInit {
  return {
    relType: {
      case: "sort",
      value: {
        input,
        isGlobal: true,
        order: columns.map((c) => ({
          child: column(c.name),
          direction: c.descending
            ? Expression_SortOrder_SortDirection.DESCENDING
            : Expression_SortOrder_SortDirection.ASCENDING,
          nullOrdering: c.descending
            ? Expression_SortOrder_NullOrdering.SORT_NULLS_LAST
            : Expression_SortOrder_NullOrdering.SORT_NULLS_FIRST,
        })),
      },
    },
  };
}

/** The distinct rows of `input` (all columns are the key). */
export function distinct(input: RelationInit): RelationInit {
  return { relType: { case: "deduplicate", value: { input, allColumnsAsKeys: true } } };
}

export function limit(input: RelationInit, n: number): RelationInit {
  return { relType: { case: "limit", value: { input, limit: n } } };
}

export function toDF(input: RelationInit, columnNames: readonly string[]): RelationInit {
  return { relType: { case: "toDf", value: { input, columnNames: [...columnNames] } } };
}

export function withColumnsRenamed(input: RelationInit, renames: Readonly<Record<string, string>>): RelationInit {
  return {
    relType: {
      case: "withColumnsRenamed",
      value: { input, renames: Object.entries(renames).map(([colName, newColName]) => ({ colName, newColName })) },
    },
  };
}

export function countAll(input: RelationInit): RelationInit {
  return {
    relType: {
      case: "aggregate",
      value: {
        input,
        groupType: Aggregate_GroupType.GROUPBY,
        aggregateExpressions: [alias(call("count", [literalExpression(1)]), "count")],
      },
    },
  };
}

export function column(name: string): ExpressionInit {
  return { exprType: { case: "unresolvedAttribute", value: { unparsedIdentifier: name } } };
}

export function call(functionName: string, args: readonly ExpressionInit[]): ExpressionInit {
  return { exprType: { case: "unresolvedFunction", value: { functionName, arguments: [...args] } } };
}

export function alias(expr: ExpressionInit, name: string): ExpressionInit {
  return { exprType: { case: "alias", value: { expr, name: [name] } } };
}

/** A SQL expression parsed by the server, e.g. `"id > 3"`. Prefer structured expressions for values. */
export function sqlExpression(expression: string): ExpressionInit {
  return { exprType: { case: "expressionString", value: { expression } } };
}

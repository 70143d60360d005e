"""A writer that bypasses the record classes: for each case, one row built from SQL expressions (columns left out
are NULL), cast to the table's schema, appended with pyspark-client's DataFrame writer
(.write.format("delta").mode("append").save(path)). Reports per case whether the table took it, or the error
condition and the CHECK constraint it names (test/integration/check-constraints-migrations.test.ts)."""
import re

from common import args, done, session

a = args()
spark = session(a["remote"])
path = a["path"]
schema = spark.read.format("delta").load(path).schema


def quote(name):
    return "`" + name.replace("`", "``") + "`"


results = []
for case in a["cases"]:
    values = case["columns"]
    columns = ", ".join(
        f"CAST({values.get(f.name, 'NULL')} AS {f.dataType.simpleString()}) AS {quote(f.name)}" for f in schema
    )
    try:
        spark.sql(f"SELECT {columns}").write.format("delta").mode("append").save(path)
        results.append({"name": case["name"], "written": True})
    except Exception as error:  # pyspark.errors.PySparkException and its subclasses carry the condition
        condition = getattr(error, "getCondition", lambda: None)() or getattr(error, "getErrorClass", lambda: None)()
        message = str(error)
        found = re.search(r"CHECK constraint (\S+)", message)
        results.append(
            {
                "name": case["name"],
                "written": False,
                "condition": condition,
                "constraint": found.group(1) if found else None,
                "message": message.splitlines()[0][:300] if message else "",
            }
        )
done({"results": results})

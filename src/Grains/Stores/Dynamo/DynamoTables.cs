using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>Creates the two target tables when missing (local stacks, tests) and waits until they are ACTIVE.</summary>
public static class DynamoTables
{
    public static async Task EnsureAsync(IAmazonDynamoDB dynamo, CancellationToken ct)
    {
        await EnsureAsync(dynamo, DynamoItems.PerformanceTable, "CampaignId", "Date", ct);
        await EnsureAsync(dynamo, DynamoItems.ProductTable, "CatalogId", "ProductId", ct);
    }

    public static async Task EnsureAsync(IAmazonDynamoDB dynamo, string table, string partitionKey, string sortKey, CancellationToken ct)
    {
        try
        {
            await dynamo.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions =
                [
                    new AttributeDefinition(partitionKey, ScalarAttributeType.S),
                    new AttributeDefinition(sortKey, ScalarAttributeType.S),
                ],
                KeySchema =
                [
                    new KeySchemaElement(partitionKey, KeyType.HASH),
                    new KeySchemaElement(sortKey, KeyType.RANGE),
                ],
            }, ct);
        }
        catch (ResourceInUseException)
        {
            // Already there (or being created by another silo): wait for it below.
        }

        for (var i = 0; ; i++)
        {
            var description = await dynamo.DescribeTableAsync(table, ct);
            if (description.Table.TableStatus == TableStatus.ACTIVE) return;
            if (i > 600) throw new TimeoutException($"DynamoDB table {table} did not become ACTIVE");
            await Task.Delay(100, ct);
        }
    }
}

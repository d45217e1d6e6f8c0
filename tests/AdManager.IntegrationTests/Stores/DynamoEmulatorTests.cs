using System.Net.Sockets;
using System.Text;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Stores;

/// <summary>The local stack's DynamoDB (dynalite, started through tools/dynalite/server.js).</summary>
[Collection(StackCollection.Name)]
public sealed class DynamoEmulatorTests(TestStack stack)
{
    /// <summary>
    /// A silo that cancels a BatchWriteItem part-way through its upload, or stops, closes the connection before the body
    /// has arrived. dynalite rethrew that request's "aborted" error and ended, and every later call of every job was
    /// refused (it took a test run's second half with it).
    /// </summary>
    [Fact]
    public async Task A_client_closing_its_connection_mid_upload_leaves_the_emulator_serving()
    {
        var endpoint = new Uri(stack.DynamoEndpoint);
        for (var i = 0; i < 3; i++)
        {
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(endpoint.Host, endpoint.Port);
                var head = $"POST / HTTP/1.1\r\nHost: {endpoint.Authority}\r\nContent-Type: application/x-amz-json-1.0\r\n" +
                    "X-Amz-Target: DynamoDB_20120810.BatchWriteItem\r\nContent-Length: 100000\r\n\r\n{\"RequestItems\":{";
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
                await client.GetStream().FlushAsync();
                await Task.Delay(100);
            }
            // The server meets the closed connection on its next turn; give it that before asking.
            await Task.Delay(300);
            var tables = await stack.Dynamo.ListTablesAsync();
            Assert.NotNull(tables.TableNames);
        }
    }
}

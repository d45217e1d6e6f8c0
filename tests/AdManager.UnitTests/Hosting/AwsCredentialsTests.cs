namespace AdManager.UnitTests.Hosting;

/// <summary>
/// On EKS the DynamoDB client's default credentials come from an IAM role for the service account (web identity): the
/// SDK then loads the STS client by name, from an assembly it does not reference itself. Without it, every DynamoDB call
/// failed ("AWSSDK.SecurityToken could not be found or loaded"), so the service ships it.
/// </summary>
public sealed class AwsCredentialsTests
{
    [Fact]
    public void The_sts_client_that_web_identity_credentials_load_by_name_ships_with_the_service()
    {
        // The product's dependency closure: the unit tests reference the grains project as the service does.
        _ = typeof(AdManager.Grains.Stores.Dynamo.DynamoItems);
        var sts = Type.GetType("Amazon.SecurityToken.AmazonSecurityTokenServiceClient, AWSSDK.SecurityToken");
        Assert.NotNull(sts);
    }
}

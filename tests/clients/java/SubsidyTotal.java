package jp.go.jichi.check;

import jp.go.jichi.client.ApiClient;
import jp.go.jichi.client.api.PartySubsidiesApi;
import jp.go.jichi.client.model.StoredSubsidyAllocation;

/**
 * Reads a recorded party-subsidy allocation through the generated Java client: its total,
 * ¥31,536,524,750 (¥250 per capita times the 2020 census population), needs 64 bits.
 * Arguments: the platform's base URL and the allocation's year.
 */
public final class SubsidyTotal {
  private static final long EXPECTED_TOTAL = 31_536_524_750L;

  private SubsidyTotal() {}

  public static void main(String[] args) throws Exception {
    ApiClient client = new ApiClient();
    client.updateBaseUri(args[0]);
    int year = Integer.parseInt(args[1]);
    StoredSubsidyAllocation allocation = new PartySubsidiesApi(client).fundsGetPartySubsidyAllocation(year);
    long total = allocation.getTotal();
    if (total != EXPECTED_TOTAL) {
      throw new AssertionError("the total read is " + total + ", not " + EXPECTED_TOTAL);
    }
    System.out.println("java check: party-subsidy total " + total + " read: ok");
  }
}

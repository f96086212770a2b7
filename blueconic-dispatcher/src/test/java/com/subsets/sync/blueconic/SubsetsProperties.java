package com.subsets.sync.blueconic;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.json.JsonObject;

/** The five Subsets properties on a simulated BlueConic tenant, as the provisioner would have created them. */
final class SubsetsProperties {

    private SubsetsProperties() {
    }

    static BlueConicTenant defineOn(BlueConicTenant tenant) {
        for (DestinationField field : DestinationField.values()) {
            tenant.property(new JsonObject().put("id", field.blueConicId()).put("name", field.blueConicName()));
        }
        return tenant;
    }
}
